package dev.switchboard.cache;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Tool;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells an app why its provider prompt cache misses. For a request with a {@code cache_control} breakpoint
 * it looks at the cached prefix (tools, then system and messages up to the last breakpoint) and reports
 * (1) volatile content in it — timestamps, dates, UUIDs, epoch counters — that changes every request and so
 * defeats the cache, and (2) a prefix that differs from the same app's previous request to the same model
 * before the previous breakpoint, naming the first segment that changed.
 */
public final class PromptCacheLint {
    private static final int MAX_APPS = 10_000;

    private record Volatile(String kind, Pattern pattern) {}

    private static final List<Volatile> VOLATILE = List.of(
            new Volatile("timestamp", Pattern.compile("\\b\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2})?")),
            new Volatile("time of day", Pattern.compile("\\b\\d{1,2}:\\d{2}:\\d{2}\\b")),
            new Volatile("UUID", Pattern.compile("\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b")),
            new Volatile("epoch counter", Pattern.compile("\\b1[6-9]\\d{8}(\\d{3})?\\b")),
            new Volatile("date", Pattern.compile("\\b(\\d{4}-\\d{2}-\\d{2}|(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \\d{1,2},? \\d{4})\\b")));

    /** Last prefix per app and model: segment names and their hashes. */
    private final Map<String, List<Segment>> previous = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Segment>> eldest) { return size() > MAX_APPS; }
    };

    private record Segment(String name, long hash) {}

    /** The most volatile values a request's findings name one by one. */
    static final int MAX_VOLATILE = 5;

    /**
     * @param app who is calling (key or app id); prefixes are compared per app and model
     * @return findings, empty when the request has no breakpoint or nothing to say
     */
    public List<String> lint(String app, ChatRequest request) {
        if (!hasBreakpoint(request)) return List.of(); // the common case costs one scan, no hashing
        List<Segment> segments = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        int end = prefix(request, segments, texts);
        if (end < 0) return List.of();
        List<Segment> prefix = segments.subList(0, end + 1);
        List<String> findings = new ArrayList<>();
        // one finding per volatile value, at its first segment, with how many later segments repeat it: an agent's long
        // conversation repeats its session id in every tool result (Claude Code: 500 of them, and the log line, one
        // finding each, grew to megabytes a request); at most MAX_VOLATILE values, then how many more
        java.util.Map<String, int[]> seen = new java.util.LinkedHashMap<>();
        for (int i = 0; i <= end; i++) {
            for (Volatile v : VOLATILE) {
                Matcher m = v.pattern().matcher(texts.get(i));
                if (m.find()) {
                    String value = "volatile " + v.kind() + " '" + m.group() + "'";
                    int[] first = seen.get(value); // {later segments, first segment's index}
                    if (first != null) first[0]++;
                    else seen.put(value, new int[] {0, i});
                    break;
                }
            }
        }
        int shown = 0;
        for (var e : seen.entrySet()) {
            if (shown++ == MAX_VOLATILE) {
                findings.add((seen.size() - MAX_VOLATILE) + " more volatile values in cached prefix");
                break;
            }
            int later = e.getValue()[0];
            findings.add(e.getKey() + " in cached prefix at " + segments.get(e.getValue()[1]).name()
                    + (later == 0 ? "" : " (and " + later + " later segment" + (later == 1 ? "" : "s") + ")"));
        }
        List<Segment> before;
        String key = app + "\u0000" + request.model();
        synchronized (previous) {
            before = previous.put(key, List.copyOf(prefix));
        }
        if (before != null) {
            int n = Math.min(before.size(), prefix.size());
            for (int i = 0; i < n; i++) {
                if (before.get(i).hash() != prefix.get(i).hash()) {
                    findings.add("cached prefix changed at " + prefix.get(i).name() + " since the previous request (cache miss from there on)");
                    break;
                }
            }
        }
        return findings;
    }

    private static boolean hasBreakpoint(ChatRequest r) {
        for (Tool t : r.tools()) if (t.cacheControl() != null) return true;
        for (Message m : r.messages()) {
            for (ContentPart p : m.content()) if (p.cacheControl() != null) return true;
        }
        return false;
    }

    /** Fills the segments in the providers' cache order; returns the index of the last one with a breakpoint, or -1. */
    private static int prefix(ChatRequest r, List<Segment> segments, List<String> texts) {
        int end = -1;
        for (int i = 0; i < r.tools().size(); i++) {
            Tool t = r.tools().get(i);
            String text = t.name() + "\n" + t.description() + "\n" + t.parameters();
            add(segments, texts, "tools[" + i + "]", text);
            if (t.cacheControl() != null) end = segments.size() - 1;
        }
        for (int i = 0; i < r.messages().size(); i++) {
            Message m = r.messages().get(i);
            StringBuilder text = new StringBuilder(m.role().wire()).append('\n');
            boolean marked = false;
            for (ContentPart p : m.content()) {
                marked |= p.cacheControl() != null;
                switch (p) {
                    case ContentPart.Text t -> text.append(t.text());
                    case ContentPart.Image img ->
                        text.append("[image ").append(img.url().length() > 200 ? img.url().substring(0, 200) : img.url()).append(']');
                    case ContentPart.File f -> text.append(f.raw());
                    case ContentPart.Audio a -> text.append(a.raw());
                    case ContentPart.Other o -> text.append(o.raw());
                }
            }
            m.toolCalls().forEach(c -> text.append(c.id()).append(c.name()).append(c.arguments()));
            if (m.toolCallId() != null) text.append(m.toolCallId());
            add(segments, texts, "messages[" + i + "]", text.toString());
            if (marked) end = segments.size() - 1;
        }
        return end;
    }

    private static void add(List<Segment> segments, List<String> texts, String name, String text) {
        segments.add(new Segment(name, hash(text)));
        texts.add(text);
    }

    /** 64-bit FNV-1a: fast, and collisions only cost a missed lint finding. */
    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        return h;
    }

}
