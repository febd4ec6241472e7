package dev.switchboard.provider.gemini;

import dev.switchboard.provider.UpstreamAuth;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.MultiMap;

/**
 * Where a Gemini-API deployment is reached and how it is authenticated. Google serves the same GenerateContent
 * request and response on two hosts: AI Studio (a key in {@code x-goog-api-key}, {@code /v1beta/models/{model}:…})
 * and Vertex AI (an OAuth bearer token, {@code /v1/projects/…/publishers/google/models/{model}:…}); the
 * translation is the same, so only this differs.
 *
 * @param endpoint    the host the paths are sent to
 * @param chatPath    the {@code :generateContent} path
 * @param streamPath  the {@code :streamGenerateContent?alt=sse} path
 * @param baseHeaders headers every request carries (content type, a fixed key, {@code extra_headers})
 * @param auth        per-request credentials added to those ({@link UpstreamAuth#NONE} when the key is in the headers)
 * @param secret      the fixed key, scrubbed from error messages; null when there is none
 * @param embedPath   the {@code :batchEmbedContents} path (AI Studio), or null: Vertex embeds through its own
 *                    {@code :predict} ({@code provider.vertex})
 */
public record GeminiTarget(UpstreamHttp.Endpoint endpoint, String chatPath, String streamPath, MultiMap baseHeaders,
                           UpstreamAuth auth, String secret, String embedPath) {

    /** A target that chats only. */
    public GeminiTarget(UpstreamHttp.Endpoint endpoint, String chatPath, String streamPath, MultiMap baseHeaders,
                        UpstreamAuth auth, String secret) {
        this(endpoint, chatPath, streamPath, baseHeaders, auth, secret, null);
    }
}
