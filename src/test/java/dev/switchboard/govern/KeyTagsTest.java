package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.GatewayException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A key's tags from Switchboard's tags and LiteLLM's metadata.tags: one list, shown in both places. */
class KeyTagsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode body(String json) throws Exception { return (ObjectNode) JSON.readTree(json); }

    @Test
    void topLevelTagsWinOverMetadataTagsAsLiteLlmCopiesThemOver() throws Exception {
        assertThat(KeyTags.fromBody(body("{\"tags\":[\"top\"],\"metadata\":{\"tags\":[\"meta\"]}}"), List.of())).containsExactly("top");
        assertThat(KeyTags.fromBody(body("{\"metadata\":{\"tags\":[\"meta\"]}}"), List.of())).containsExactly("meta");
        // LiteLLM's clients send tags: null by default: then metadata.tags decides
        assertThat(KeyTags.fromBody(body("{\"tags\":null,\"metadata\":{\"tags\":[\"meta\"]}}"), List.of())).containsExactly("meta");
    }

    @Test
    void nullOrAbsentChangesNothingAndAnEmptyListClears() throws Exception {
        assertThat(KeyTags.fromBody(body("{\"tags\":null}"), List.of("a"))).isNull();
        assertThat(KeyTags.fromBody(body("{\"metadata\":{\"owner\":\"ann\"}}"), List.of("a"))).isNull();
        assertThat(KeyTags.fromBody(body("{\"metadata\":{\"tags\":null}}"), List.of("a"))).isNull();
        assertThat(KeyTags.fromBody(body("{\"tags\":[]}"), List.of("a"))).isEmpty();
    }

    @Test
    void metadataTagsAreCheckedByName() throws Exception {
        assertThatThrownBy(() -> KeyTags.fromBody(body("{\"metadata\":{\"tags\":\"cc-7\"}}"), List.of()))
                .isInstanceOf(GatewayException.class).hasMessageContaining("metadata.tags");
        assertThatThrownBy(() -> KeyTags.fromBody(body("{\"metadata\":{\"tags\":[\"team:other\"]}}"), List.of()))
                .isInstanceOf(GatewayException.class).hasMessageContaining("team:other");
    }

    @Test
    void storedMetadataHoldsNoCopyAndTheShownOneHasTheKeysTags() throws Exception {
        ObjectNode stored = KeyTags.stored(body("{\"tags\":[\"x\"],\"owner\":\"ann\"}"));
        assertThat(stored.toString()).isEqualTo("{\"owner\":\"ann\"}");
        assertThat(KeyTags.shown(stored, List.of("x")).toString()).isEqualTo("{\"owner\":\"ann\",\"tags\":[\"x\"]}");
        assertThat(KeyTags.shown(stored, List.of()).toString()).isEqualTo("{\"owner\":\"ann\"}");
    }

    /** A key stored before metadata.tags were applied gets them as its tags (never an identity label). */
    @Test
    void aKeyStoredTheOldWayAdoptsItsMetadataTags() throws Exception {
        VirtualKey old = new VirtualKey("key_1", "t", "sk-...abcd", null, List.of(), null, null, null, 0, null, null, null, null, null,
                null, body("{\"tags\":[\"cc-7\",\"team:other\"],\"owner\":\"ann\"}"), List.of(), false, 0, 0, null, null, null, null);
        VirtualKey k = KeyTags.adopted(old);
        assertThat(k.tags()).containsExactly("cc-7");
        assertThat(k.metadata().toString()).isEqualTo("{\"owner\":\"ann\"}");
    }
}
