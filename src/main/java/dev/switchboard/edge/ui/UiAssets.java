package dev.switchboard.edge.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's files, read from the classpath once and kept in memory: our HTML/JS/CSS under {@code ui/}, and
 * ECharts' built file from its WebJar ({@code org.webjars.npm:echarts}, the version read from the WebJar's own
 * {@code pom.properties}, so a version bump in the pom needs no code change).
 */
final class UiAssets {
    record Asset(byte[] bytes, String contentType) {}

    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

    private final Map<String, Asset> cache = new ConcurrentHashMap<>();
    private final String echartsPath;

    UiAssets() {
        this.echartsPath = "META-INF/resources/webjars/echarts/" + webjarVersion("echarts") + "/dist/echarts.min.js";
    }

    /** One of our files ({@code ui/NAME}), or null when there is none. */
    Asset ours(String name) {
        if (!name.matches("[a-z0-9-]+\\.(html|js|css|svg)")) return null;
        return load("ui/" + name);
    }

    Asset echarts() {
        Asset a = load(echartsPath);
        if (a == null) throw new IllegalStateException("ECharts is missing from the classpath (" + echartsPath + ")");
        return a;
    }

    private Asset load(String path) {
        Asset hit = cache.get(path);
        if (hit != null) return hit;
        try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) return null;
            String ext = path.substring(path.lastIndexOf('.') + 1);
            Asset a = new Asset(in.readAllBytes(), TYPES.getOrDefault(ext, "application/octet-stream"));
            cache.put(path, a);
            return a;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String webjarVersion(String artifact) {
        String props = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(props)) {
            if (in == null) throw new IllegalStateException("WebJar " + artifact + " is missing from the classpath");
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
