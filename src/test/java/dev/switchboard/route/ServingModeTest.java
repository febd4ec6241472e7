package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.Deployment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Which fallback targets a call of one mode passes over (ServingMode, RoutePlan.serving). */
class ServingModeTest {
    /** Modes by model, as the pipeline's catalog lookup would answer them; a model not here is unknown. */
    private static final Map<String, String> MODES = Map.of("gpt-4o-mini", "chat", "text-embedding-3-small", "embedding",
            "o1-pro", "responses", "dall-e-3", "image_generation");
    private static final Function<Deployment, String> MODES_OF = d -> MODES.get(d.model());

    private static ModelGroup group(String alias, String... models) {
        List<DeploymentState> members = new ArrayList<>();
        for (String m : models) {
            Deployment d = new Deployment(alias, "openai", m, null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
            DeploymentState state = new DeploymentState(new FakeProvider(d).target(), new CircuitBreaker(3, 1_000_000_000L));
            state.family = ServingMode.family(MODES_OF.apply(d));
            members.add(state);
        }
        return new ModelGroup(alias, members, RoutingStrategy.named("simple-shuffle"), null, new Random(1)::nextLong);
    }

    @Test
    void anEmbeddingsCallPassesOverAGroupOfKnownChatModelsOnly() {
        assertThat(ServingMode.mismatch(ServingMode.EMBEDDING, group("cheap", "gpt-4o-mini")))
                .isEqualTo("serves chat, not embeddings");
        // a Responses-only model is a chat model to an embeddings call, and to a chat call it is one it may use
        assertThat(ServingMode.mismatch(ServingMode.EMBEDDING, group("pro", "o1-pro"))).isEqualTo("serves chat, not embeddings");
        assertThat(ServingMode.mismatch(ServingMode.CHAT, group("pro", "o1-pro"))).isNull();
        assertThat(ServingMode.mismatch(ServingMode.EMBEDDING, group("emb2", "text-embedding-3-small"))).isNull();
        // one deployment of unknown mode, or of the call's, lets the group serve it: unknown is allowed, as before
        assertThat(ServingMode.mismatch(ServingMode.EMBEDDING, group("mixed", "gpt-4o-mini", "my-local-model"))).isNull();
        assertThat(ServingMode.mismatch(ServingMode.EMBEDDING, group("mixed", "gpt-4o-mini", "text-embedding-3-small"))).isNull();
        assertThat(ServingMode.mismatch(ServingMode.EMBEDDING, group("local", "my-local-model"))).isNull();
        assertThat(ServingMode.mismatch(ServingMode.EMBEDDING, null)).isNull();
    }

    @Test
    void aChatCallPassesOverAnEmbeddingOrOtherModeGroup() {
        assertThat(ServingMode.mismatch(ServingMode.CHAT, group("emb", "text-embedding-3-small")))
                .isEqualTo("serves embeddings, not chat");
        assertThat(ServingMode.mismatch(ServingMode.CHAT, group("img", "dall-e-3")))
                .isEqualTo("serves image_generation, not chat");
        assertThat(ServingMode.mismatch(ServingMode.CHAT, group("cheap", "gpt-4o-mini"))).isNull();
        assertThat(ServingMode.family("completion")).isEqualTo("chat");
        assertThat(ServingMode.family("Embedding")).isEqualTo("embedding");
        assertThat(ServingMode.family(null)).isNull();
    }

    /** Only LiteLLM's modes are modes: a typo is unknown (the fallback is allowed), not a known other mode. */
    @Test
    void aModeOutsideLiteLlmsListIsUnknownSoItsFallbackIsAllowed() {
        assertThat(ServingMode.family("chat_completions")).isNull();
        assertThat(ServingMode.family("embeddings")).isNull();
        assertThat(ServingMode.family("audio_speech")).isEqualTo("audio_speech");
        assertThat(ServingMode.family("OCR")).isEqualTo("ocr");
        Deployment d = new Deployment("typo", "openai", "my-model", null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
        DeploymentState state = new DeploymentState(new FakeProvider(d).target(), new CircuitBreaker(3, 1_000_000_000L));
        state.family = ServingMode.family("chat_completions");
        ModelGroup typo = new ModelGroup("typo", List.of(state), RoutingStrategy.named("simple-shuffle"), null, new Random(1)::nextLong);
        assertThat(ServingMode.mismatch(ServingMode.CHAT, typo)).isNull();
    }

    /** In the chain: a target of another mode is passed over for the next; at the end it is named with its reason. */
    @Test
    void theChainSkipsATargetOfAnotherModeAndNamesItWhenNothingIsLeft() {
        Map<String, ModelGroup> groups = new HashMap<>();
        groups.put("cheap", group("cheap", "gpt-4o-mini"));
        groups.put("emb2", group("emb2", "text-embedding-3-small"));
        Function<String, String> mismatch = a -> ServingMode.mismatch(ServingMode.EMBEDDING, groups.get(a));
        RouterSettings s = RouterSettings.from(Map.of("fallbacks", List.of(Map.of("emb", List.of("cheap", "emb2")))), Map.of());
        RoutePlan p = new RoutePlan("emb", List.of(), null, true, s).serving(mismatch);
        assertThat(p.next(FallbackReason.ERROR).alias()).isEqualTo("emb2");
        assertThat(p.next(FallbackReason.ERROR)).isNull();
        assertThat(p.barredAtEnd(FallbackReason.ERROR)).containsExactly("cheap");
        assertThat(p.mismatch("cheap")).isEqualTo("serves chat, not embeddings");

        RouterSettings dflt = RouterSettings.from(Map.of("default_fallbacks", List.of("cheap")), Map.of());
        RoutePlan onlyChat = new RoutePlan("emb", List.of(), null, true, dflt).serving(mismatch).allowing(Set.of("cheap")::contains);
        assertThat(onlyChat.next(FallbackReason.ERROR)).isNull();
        assertThat(onlyChat.barredAtEnd(FallbackReason.ERROR)).containsExactly("cheap");
        // a chat call's plan with the same lists takes cheap
        RoutePlan chat = new RoutePlan("a", List.of(), null, true, dflt)
                .serving(a -> ServingMode.mismatch(ServingMode.CHAT, groups.get(a)));
        assertThat(chat.next(FallbackReason.ERROR).alias()).isEqualTo("cheap");
    }
}
