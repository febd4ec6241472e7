package dev.switchboard.bench;

import dev.switchboard.provider.Json;
import dev.switchboard.provider.KeyScrubber;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the key scan costs on the stream path: {@link KeyScrubber#scrubInPlace} over one SSE event's data, as
 * {@code SseRelay} runs it on every event before decoding, beside what parsing that event's JSON costs anyway
 * ({@link #parseEvent}, Jackson's tree, as the Anthropic and Gemini streams do). Events: a typical OpenAI content
 * chunk (a few words, ~230 bytes) and one with 4 KiB of text (a large delta). Keys: the given number of configured
 * provider keys, 40 characters each (the scan costs the same for 1 or 50 keys: one lookup per byte in a hashed set).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyScrubBench {
    @Param({"small", "large"})
    public String event;

    @Param({"3", "50"})
    public int keys;

    private byte[] data;
    private KeyScrubber scrubber;

    @Setup
    public void setup() {
        String text = event.equals("small") ? "The quick brown fox jumps over"
                : "Lorem ipsum dolor sit amet, consectetur adipiscing elit 0123456789. ".repeat(60);
        data = ("{\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,"
                + "\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_4d5e7a9c2b\",\"choices\":[{\"index\":0,\"delta\":"
                + "{\"content\":\"" + text + "\"},\"logprobs\":null,\"finish_reason\":null}]}").getBytes(StandardCharsets.UTF_8);
        java.util.Random r = new java.util.Random(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        List<String> ks = new java.util.ArrayList<>();
        for (int k = 0; k < keys; k++) {
            StringBuilder sb = new StringBuilder("sk-proj-");
            for (int i = 0; i < 32; i++) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            ks.add(sb.toString());
        }
        scrubber = KeyScrubber.of(ks);
        System.out.println("event bytes: " + data.length);
    }

    @Benchmark
    public boolean scrubEvent() {
        return scrubber.scrubInPlace(data); // a clean event: nothing is written, so every call scans the same bytes
    }

    @Benchmark
    public Object parseEvent() throws Exception {
        return Json.read(data);
    }
}
