package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The running key scans of the strings of relayed stream events whose texts no stream reads by name: event types
 * added after the gateway was written, a {@code *.delta} whose {@code delta} is an object, an event a client may
 * assemble in ways the gateway does not model. Each string is one piece of the text at its place: the event's type,
 * its {@code output_index} (or Anthropic's {@code index}) and the field path from the event's root (array positions
 * included) name a channel of {@link KeyScrubber.Runs}, so a key an upstream spreads over several such events, a few
 * characters in each, is masked from its 8th character on, as in the texts the streams do read. The masked strings
 * are written into the event itself, which is what a client is relayed.
 *
 * <p>Without it only the event scan of each event's bytes covered these events: a key cut into pieces of up to 7
 * characters passed whole. One per stream, not thread-safe (a stream's events come in order).
 */
public final class EventStrings {
    private final KeyScrubber.Runs runs;

    /** @param runs runs of this scanner's own (their channels are hashes, which must not meet a stream's other channels) */
    public EventStrings(KeyScrubber.Runs runs) {
        this.runs = runs;
    }

    /**
     * Masks, in place, the key runs of every string of {@code event} that continue its channel's earlier pieces.
     *
     * @param type the event's type
     * @param sent the event's data as the upstream sent it when the event scan masked some of it (the running scans must
     *             read the characters a mask hid), else null
     */
    public void mask(String type, JsonNode event, byte[] sent) {
        if (!(event instanceof ObjectNode e)) return;
        JsonNode original = sent == null ? null : Json.readOrNull(sent);
        int item = e.path("output_index").asInt(e.path("index").asInt(-1));
        walk(e, original, 31 * type.hashCode() + item);
    }

    private void walk(JsonNode node, JsonNode sent, int hash) {
        if (node instanceof ObjectNode o) {
            var fields = o.fields();
            while (fields.hasNext()) {
                var f = fields.next();
                int h = 31 * hash + f.getKey().hashCode();
                JsonNode v = f.getValue();
                JsonNode s = sent == null ? null : sent.get(f.getKey());
                if (v instanceof TextNode t) {
                    String m = masked(t.textValue(), s, h);
                    if (m != null) f.setValue(TextNode.valueOf(m));
                } else if (v.isContainerNode()) {
                    walk(v, s, h);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                int h = 31 * hash + i + 1;
                JsonNode v = a.get(i);
                JsonNode s = sent == null ? null : sent.get(i);
                if (v instanceof TextNode t) {
                    String m = masked(t.textValue(), s, h);
                    if (m != null) a.set(i, TextNode.valueOf(m));
                } else if (v.isContainerNode()) {
                    walk(v, s, h);
                }
            }
        }
    }

    /** The string through its channel's run, or null when that changed nothing. */
    private String masked(String now, JsonNode sent, int hash) {
        long channel = KeyScrubber.channel(hash, 0);
        String original = sent instanceof TextNode s ? s.textValue() : null;
        String out = original == null ? runs.next(channel, false, now) : KeyScrubber.withMasks(now, runs.next(channel, false, original));
        return out.equals(now) ? null : out;
    }
}
