package dev.switchboard.simulator;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for OpenAI's API over real HTTP, for tests, demos and the benchmark: the exact JSON and SSE
 * shapes of {@code /v1/chat/completions}, {@code /v1/embeddings} and {@code /v1/models}, OpenAI's request
 * validation and error shapes, and injected faults (429 with retry-after, 5xx, a slow first byte, a stream
 * cut in the middle). It records what it received, so tests can assert on what the gateway sent upstream.
 * Anthropic's {@code /v1/messages} is served by {@link AnthropicSim} and Gemini's {@code /v1beta/models/…}
 * by {@link GeminiSim}, AWS Bedrock's {@code /model/{id}/converse|converse-stream|invoke} (SigV4-verified) by
 * {@link BedrockSim}, with the same faults.
 */
public final class ProviderSimulator {
    private final HttpServer server;
    private final boolean record;
    private final Vertx vertx;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final SimBehaviours behaviours = new SimBehaviours();
    private final SimPromptCache promptCache = new SimPromptCache();
    private final AtomicInteger cancelledStreams = new AtomicInteger();
    private final AtomicInteger completedStreams = new AtomicInteger();
    private final AtomicInteger arrivals = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger mostOpenConnections = new AtomicInteger();
    private final java.util.Set<io.vertx.core.http.HttpVersion> versions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private boolean tls;
    /** Each OpenAI chat stream's start and end by its id, once {@link #timeStreams} turned it on; else null. */
    private volatile java.util.Map<String, StreamSpan> streamSpans;
    private volatile String requiredKey;
    /** Playing Ollama (see {@link #playOllama}). */
    private volatile boolean ollama;
    private final AnthropicSim anthropic;
    private final GeminiSim gemini;
    private final AzureSim azure;
    private final BedrockSim bedrock;
    private final VertexTokenSim vertexTokens = new VertexTokenSim();
    private final VertexSim vertex;
    private final GuardrailSim guardrails;

    /** One request as the simulator saw it, and when ({@link System#nanoTime}, as its body was read). */
    public record Received(String path, MultiMap headers, JsonObject body, long atNanos) {
        public Received(String path, MultiMap headers, JsonObject body) { this(path, headers, body, System.nanoTime()); }
    }

    private ProviderSimulator(Vertx vertx, HttpServer server, boolean record) {
        this.vertx = vertx;
        this.server = server;
        this.record = record;
        this.anthropic = new AnthropicSim(vertx, promptCache, cancelledStreams, completedStreams);
        this.gemini = new GeminiSim(vertx, promptCache, cancelledStreams, completedStreams);
        this.azure = new AzureSim(vertx, cancelledStreams, completedStreams, this::embeddings);
        this.bedrock = new BedrockSim(vertx, promptCache, cancelledStreams, completedStreams);
        this.vertex = new VertexSim(gemini, anthropic, vertexTokens);
        this.guardrails = new GuardrailSim(bedrock.auth);
    }

    /** @param record keep every request for {@link #received()} (tests); off for long benchmark runs */
    public static Future<ProviderSimulator> start(Vertx vertx, String host, int port, boolean record) {
        ProviderSimulator[] self = new ProviderSimulator[1];
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true));
        server.requestHandler(req -> self[0].handle(req));
        self[0] = new ProviderSimulator(vertx, server, record);
        server.connectionHandler(c -> self[0].connected(c));
        return server.listen(port, host).map(s -> self[0]);
    }

    /**
     * Over HTTPS with HTTP/2 offered by ALPN (and HTTP/1.1 for clients that want it), as OpenAI's, Anthropic's and
     * Google's APIs answer. Its URLs name {@code localhost}, the name certificates made for a local server carry.
     *
     * @param keyCert the server's certificate and key (a test's self-signed one)
     */
    public static Future<ProviderSimulator> startTls(Vertx vertx, String host, int port, boolean record,
                                                     io.vertx.core.net.KeyCertOptions keyCert) {
        ProviderSimulator[] self = new ProviderSimulator[1];
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setSsl(true).setUseAlpn(true)
                .setKeyCertOptions(keyCert)
                // 100 concurrent streams per connection, as Google's API announces (Cloudflare-fronted APIs: 256)
                .setInitialSettings(new io.vertx.core.http.Http2Settings().setMaxConcurrentStreams(100)));
        server.requestHandler(req -> self[0].handle(req));
        self[0] = new ProviderSimulator(vertx, server, record);
        self[0].tls = true;
        server.connectionHandler(c -> self[0].connected(c));
        return server.listen(port, host).map(s -> self[0]);
    }

    private void connected(io.vertx.core.http.HttpConnection c) {
        connections.incrementAndGet();
        mostOpenConnections.accumulateAndGet(openConnections.incrementAndGet(), Math::max);
        c.closeHandler(v -> openConnections.decrementAndGet());
    }

    /** Connections clients opened to the simulator so far. */
    public int connections() { return connections.get(); }

    /** The most connections open at once so far: how many streams shared one shows in HTTP/2 tests. */
    public int mostOpenConnections() { return mostOpenConnections.get(); }

    /** The HTTP versions requests arrived in. */
    public java.util.Set<io.vertx.core.http.HttpVersion> versions() { return versions; }

    public int port() { return server.actualPort(); }

    public String baseUrl() { return rootUrl() + "/v1"; }

    /** Without a path: Anthropic's and Gemini's clients add their own ({@code /v1/messages}, {@code /v1beta/…}). */
    public String rootUrl() { return (tls ? "https://localhost:" : "http://127.0.0.1:") + port(); }

    public List<Received> received() { return received; }

    /** When an answer's stream started here (its request arrived) and ended, {@link System#nanoTime()}. */
    public record StreamSpan(long startNanos, long endNanos) {
        /** What this upstream made its client wait, its own timers' lateness included. */
        public long millis() { return (endNanos - startNanos) / 1_000_000; }
    }

    /**
     * From now on, notes when each OpenAI chat stream started and ended here, for {@link #streamSpan}: what this
     * upstream really made a client wait (its events are chained timers, each late by whatever else its event loop
     * was doing), and which streams it had open at once. Off unless asked (a bench's millions of streams would fill it).
     */
    public void timeStreams() { streamSpans = new java.util.concurrent.ConcurrentHashMap<>(); }

    /** The chat stream with this {@code id} (see {@link #timeStreams}), or null if not seen ending. */
    public StreamSpan streamSpan(String id) {
        java.util.Map<String, StreamSpan> timed = streamSpans;
        return timed == null ? null : timed.get(id);
    }

    public Received last() { return received.isEmpty() ? null : received.get(received.size() - 1); }

    public void reset() {
        guardrailDelayMs = 0;
        responsesEndAfterMs = 0;
        received.clear();
        behaviours.clear();
        cancelledStreams.set(0);
        completedStreams.set(0);
        arrivals.set(0);
        abandoned.set(0);
        open.set(0);
        peakOpen.set(0);
        requiredKey = null;
        ollama = false;
        promptCache.clear();
        azure.reset();
        bedrock.auth.clear();
        bedrock.nextStreamException.set(null);
        bedrock.profiles.clear();
        vertexTokens.clear();
    }

    /**
     * Vertex AI: the token endpoint ({@code POST /token}, a service account's {@code token_uri}) accepts JWT assertions
     * of this account signed with the private key of {@code key}, and the Vertex paths accept the tokens it issues.
     */
    public void trustServiceAccount(String clientEmail, java.security.PublicKey key) { vertexTokens.trust(clientEmail, key); }

    /** How long the access tokens issued from now on live (Google's: 3599 s). */
    public void vertexTokenLifetime(java.time.Duration lifetime) { vertexTokens.lifetimeSeconds(lifetime.toSeconds()); }

    /** Every access token issued so far stops working (Vertex answers 401 UNAUTHENTICATED, ACCESS_TOKEN_EXPIRED). */
    public void expireVertexTokens() { vertexTokens.expireAll(); }

    /** Access tokens the token endpoint has issued since the last {@link #reset}. */
    public int vertexTokenGrants() { return vertexTokens.grants(); }

    /** The project of {@link #newVertexServiceAccount}'s account. */
    public static final String VERTEX_PROJECT = "simulator-project";

    /**
     * Vertex AI for a user without Google credentials ({@code switchboard simulator --vertex-credentials FILE}): a
     * service account made and trusted here, as its JSON key file, whose {@code token_uri} is {@code tokenUri}. A
     * {@code vertex_ai/} deployment with this file as {@code vertex_credentials} and the simulator as {@code api_base}
     * gets its tokens from the simulator's token endpoint and is served on Vertex's paths.
     */
    public String newVertexServiceAccount(String tokenUri) {
        return vertexTokens.newServiceAccount(tokenUri, VERTEX_PROJECT, "switchboard-simulator");
    }

    /** The URL to write as a service account's {@code token_uri}. */
    public String tokenUri() { return rootUrl() + "/token"; }

    /** The model a request asks for: in the path for Bedrock and Vertex, in the body elsewhere. */
    private static String requestedModel(String path, Buffer body) {
        if (path.startsWith("/model/")) return BedrockSim.modelOf(path);
        String vertexModel = VertexSim.modelOf(path);
        return vertexModel != null ? vertexModel : modelOf(body);
    }

    /** Requests waiting out a slow first byte ({@link SimBehaviour#slowFirstByte}): their timer's id, and their answer. */
    private final java.util.Map<Long, Runnable> slowFirstBytes = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The requests waiting out a slow first byte answer now, as if their wait were over: a test holds calls in flight
     * with a long wait and ends it when it is done with them, instead of racing a short one. Returns how many.
     */
    public int releaseSlowFirstBytes() {
        int n = 0;
        for (Long id : slowFirstBytes.keySet()) {
            Runnable answer = slowFirstBytes.remove(id);
            if (answer == null) continue; // its timer ran just now
            vertx.cancelTimer(id);
            answer.run();
            n++;
        }
        return n;
    }

    /** The next request (one per call, in order) behaves like this. */
    public void enqueue(SimBehaviour behaviour) { behaviours.enqueue(behaviour); }

    /** The next request for this upstream model id (one per call, in order) behaves like this. */
    public void enqueue(String model, SimBehaviour behaviour) { behaviours.enqueue(model, behaviour); }

    /** Every request for this upstream model id behaves like this until {@link #reset}; null: normal again. */
    public void behaveAlways(String model, SimBehaviour behaviour) { behaviours.standing(model, behaviour); }

    private volatile long guardrailDelayMs;
    private volatile long responsesEndAfterMs;

    /**
     * Responses API streams stay open {@code ms} after their last event ({@code response.completed}) before they end (0:
     * at once, after {@link #reset}): an upstream slow to close its connection once the answer is complete.
     */
    public void holdResponsesStreamsOpen(long ms) { this.responsesEndAfterMs = ms; }

    /**
     * The guardrail services answer after {@code ms} (0: at once, after {@link #reset}): a slow verdict, while a
     * during_call guardrail's provider call beside it has answered already.
     */
    public void delayGuardrails(long ms) { this.guardrailDelayMs = ms; }

    /**
     * Bedrock: accept SigV4 signatures made with this access key and secret (and, when not null, only with this session
     * token). The simulator always knows {@link #BEDROCK_ACCESS_KEY} / {@link #BEDROCK_SECRET}.
     */
    public void allowAws(String accessKey, String secret, String sessionToken) { bedrock.auth.allow(accessKey, secret, sessionToken); }

    /** Bedrock: accept this Bedrock API key as a bearer token. */
    public void allowBedrockApiKey(String key) { bedrock.auth.allowBearer(key); }

    /**
     * Bedrock: an application inference profile, its ARN served as {@code modelId}'s model until the next {@link #reset}
     * (Bedrock's CreateInferenceProfile with {@code copyFrom} the model).
     */
    public void defineBedrockProfile(String arn, String modelId) { bedrock.profiles.put(arn, modelId); }

    /** Bedrock: the next ConverseStream ends after two events with an exception frame of this type (throttlingException, …). */
    public void failNextBedrockStream(String exceptionType) { bedrock.nextStreamException.set(exceptionType); }

    /** The AWS credentials Bedrock's paths accept with no test naming others (SigV4, any region). */
    public static final String BEDROCK_ACCESS_KEY = BedrockSimAuth.DEFAULT_ACCESS_KEY;
    public static final String BEDROCK_SECRET = BedrockSimAuth.DEFAULT_SECRET;

    /**
     * Play Ollama's server until {@link #reset}: its OpenAI-compatible API ({@code /v1/chat/completions},
     * {@code /v1/embeddings}, OpenAI's wire format as Ollama documents it) takes no key, and a path it does not serve
     * gets its router's plain-text {@code 404 page not found}, as a real Ollama answers.
     */
    public void playOllama() { ollama = true; }

    /** Answer 401 unless the request carries exactly this key. */
    public void requireKey(String key) { requiredKey = key; }

    /** Streams whose client connection closed before the stream's end. */
    public int cancelledStreams() { return cancelledStreams.get(); }

    public int completedStreams() { return completedStreams.get(); }

    /** The simulated Claude's signature of a thinking block's text, which it verifies when the block is handed back. */
    public static String claudeSignatureOf(String text) { return AnthropicSim.signatureOf(text); }

    /** Requests that arrived (every path, every API), counted when their head arrives. */
    public int arrivals() { return arrivals.get(); }

    /** Requests being answered at once, and the most there were since the last {@link #reset}. */
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peakOpen = new AtomicInteger();

    /** The most requests the simulator had begun and not yet answered at one time since the last {@link #reset}. */
    public int peakOpenRequests() { return peakOpen.get(); }

    /**
     * Requests whose client (the gateway) closed or reset the connection before the simulator began its answer,
     * e.g. during a slow first byte. A stream dropped after it began counts in {@link #cancelledStreams()}.
     */
    public int abandoned() { return abandoned.get(); }

    /** Azure OpenAI's and Azure AI Foundry's paths, credentials and token endpoint (see {@link AzureSim}). */
    public AzureSim azure() { return azure; }

    public Future<Void> close() { return azure.close().eventually(() -> server.close()); }

    private void handle(HttpServerRequest req) {
        arrivals.incrementAndGet();
        versions.add(req.version());
        HttpServerResponse resp = req.response();
        peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        // an answer that never ends (its client left) stays counted until reset, which starts the count again
        resp.endHandler(v -> open.updateAndGet(n -> Math.max(0, n - 1)));
        boolean[] begun = new boolean[1];
        resp.closeHandler(v -> { // replaced by a stream's own once it begins
            if (!begun[0] && !resp.ended()) abandoned.incrementAndGet();
        });
        req.body().onSuccess(body -> {
            if (req.path().equals("/token") && req.method().name().equals("POST")) {
                // Google's token endpoint is not the model: injected faults and delays are for the next model call
                SimGuard.run(req.path(), resp, () -> vertexTokens.handle(req, body));
                return;
            }
            if (GuardrailSim.owns(req.path())) {
                // a guardrail service is not the model: injected faults and delays are for the next model call
                if (record) received.add(new Received(req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), jsonOrEmpty(body)));
                long delay = guardrailDelayMs;
                if (delay > 0) vertx.setTimer(delay, t -> SimGuard.run(req.path(), resp, () -> guardrails.handle(req, body)));
                else SimGuard.run(req.path(), resp, () -> guardrails.handle(req, body));
                return;
            }
            SimBehaviour behaviour = behaviours.next(() -> requestedModel(req.path(), body));
            Runnable route = () -> {
                if (resp.closed()) return; // the client gave up during the slow first byte: nobody to answer
                begun[0] = true;
                SimGuard.run(req.path(), resp, () -> route(req, body, behaviour));
            };
            if (behaviour.firstByteDelayMs() > 0) {
                io.vertx.core.Context here = vertx.getOrCreateContext();
                long[] id = new long[1];
                // the timer and releaseSlowFirstBytes both take the entry: whichever does runs the answer, once
                id[0] = vertx.setTimer(behaviour.firstByteDelayMs(), t -> {
                    if (slowFirstBytes.remove(id[0]) != null) route.run();
                });
                slowFirstBytes.put(id[0], () -> here.runOnContext(v -> route.run()));
            } else {
                route.run();
            }
        });
    }

    private static JsonObject jsonOrEmpty(Buffer body) {
        try {
            return body.length() == 0 ? new JsonObject() : body.toJsonObject();
        } catch (RuntimeException e) {
            return new JsonObject();
        }
    }

    /** Calls the guardrail services (Bedrock ApplyGuardrail, Aporia, Lakera) received. */
    public int guardrailCalls() { return guardrails.calls(); }

    /** Text a simulated guardrail service flags. */
    public static final String GUARDRAIL_TRIGGER = GuardrailSim.TRIGGER;

    /** The request's {@code model}, to pick a per-model behaviour; null when the body is not a JSON object. */
    private static String modelOf(Buffer body) {
        try {
            return body.length() == 0 ? null : body.toJsonObject().getString("model");
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** What Ollama's OpenAI compatibility serves (POST), of what this simulator speaks. */
    private static final java.util.Set<String> OLLAMA_PATHS = java.util.Set.of("/v1/chat/completions", "/v1/embeddings");

    private void route(HttpServerRequest req, Buffer body, SimBehaviour behaviour) {
        HttpServerResponse resp = req.response();
        String quirks = SimQuirks.service(req.path()); // an OpenAI-compatible service that is not quite OpenAI
        String path = quirks == null ? req.path() : SimQuirks.path(req.path());
        if (req.method().name().equals("GET") && path.equals("/v1/models")) {
            json(resp, 200, new JsonObject().put("object", "list").put("data", new JsonArray()
                    .add(new JsonObject().put("id", "gpt-4o-mini").put("object", "model").put("created", 1721172741).put("owned_by", "system"))));
            return;
        }
        if (path.equals("/v1/messages/count_tokens")) {
            JsonObject json = anthropic.admit(req, body, requiredKey);
            if (json == null) return;
            if (record) received.add(new Received(path, MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), json));
            anthropic.countTokens(resp, json, behaviour);
            return;
        }
        if (path.equals("/v1/messages")) {
            JsonObject json = anthropic.admit(req, body, requiredKey);
            if (json == null) return;
            if (record) received.add(new Received(path, MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), json));
            anthropic.messages(resp, json, behaviour, req.getHeader("anthropic-beta"));
            return;
        }
        if (AzureSim.owns(path)) {
            JsonObject json = azure.admit(req, body, requiredKey);
            if (json == null) return;
            // with its query: the api-version is part of what Azure is asked
            if (record) received.add(new Received(req.uri(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), json));
            azure.serve(req, json, behaviour);
            return;
        }
        if (path.startsWith("/model/") && req.method().name().equals("POST")) {
            JsonObject json = bedrock.admit(req, body, requiredKey);
            if (json == null) return;
            if (record) received.add(new Received(path, MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), json));
            bedrock.handle(req, json, behaviour);
            return;
        }
        if (path.startsWith("/v1/projects/")) {
            JsonObject json = vertex.admit(req, body);
            if (json == null) return;
            if (record) received.add(new Received(req.uri(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), json));
            vertex.handle(req, json, behaviour);
            return;
        }
        if (path.startsWith("/v1beta/models/") && path.contains(":")) {
            JsonObject json = gemini.admit(req, body, requiredKey);
            if (json == null) return;
            if (record) received.add(new Received(path, MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), json));
            gemini.generate(req, json, behaviour);
            return;
        }
        if (ollama && !OLLAMA_PATHS.contains(path)) {
            if (record) received.add(new Received(path, MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), new JsonObject()));
            resp.setStatusCode(404).putHeader("content-type", "text/plain").end("404 page not found");
            return;
        }
        String auth = req.getHeader("authorization");
        if (ollama && auth == null) auth = "Bearer ollama"; // Ollama takes no key (and ignores one)
        if (auth == null || !auth.startsWith("Bearer ") || auth.length() <= 7) {
            error(resp, 401, "You didn't provide an API key. You need to provide your API key in an Authorization header "
                    + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "invalid_request_error", null, null);
            return;
        }
        if (requiredKey != null && !auth.substring(7).equals(requiredKey)) {
            error(resp, 401, "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
                    "invalid_request_error", null, "invalid_api_key");
            return;
        }
        JsonObject json;
        try {
            json = body.toJsonObject();
        } catch (RuntimeException e) {
            error(resp, 400, "We could not parse the JSON body of your request.", "invalid_request_error", null, null);
            return;
        }
        if (record) received.add(new Received(path, MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), json));
        if (behaviour.status() != 0) {
            fault(resp, behaviour);
            return;
        }
        if (SimQuirks.refused(quirks, json, resp)) return;
        switch (path) {
            case "/v1/chat/completions" -> chat(resp, json, behaviour, quirks);
            case "/v1/responses" -> responses(resp, json, behaviour);
            case "/v1/embeddings" -> embeddings(resp, json);
            default -> error(resp, 404, "Invalid URL (" + req.method() + " " + path + ")", "invalid_request_error", null, null);
        }
    }

    /** OpenAI's Responses API, stream and not (see {@link ResponsesSim}). */
    private void responses(HttpServerResponse resp, JsonObject req, SimBehaviour behaviour) {
        String invalid = ResponsesSim.invalid(req);
        if (invalid != null) {
            error(resp, 400, invalid, "invalid_request_error", null, null);
            return;
        }
        ResponsesSim.Refusal foreign = ResponsesSim.longCallId(req);
        if (foreign == null) foreign = ResponsesSim.foreignReasoning(req);
        if (foreign != null) {
            error(resp, foreign.status(), foreign.message(), "invalid_request_error", foreign.param(), foreign.code());
            return;
        }
        JsonObject asChat = ResponsesSim.asChat(req);
        SimReply reply = ResponsesSim.structured(req, SimReply.to(asChat, behaviour.streamRepeat()).cutByOutputLimit(asChat, true));
        String id = Long.toHexString(System.nanoTime());
        String model = servedModel(req.getString("model"));
        boolean searched = ResponsesSim.searches(req);
        // OpenAI's automatic prompt caching, as on chat: a repeated prefix of 1024+ tokens is reported cached
        int cached = promptCache.cachedTokens(req.getString("model"), asChat.getJsonArray("messages"), reply.promptTokens());
        if (Boolean.TRUE.equals(req.getBoolean("stream"))) {
            new SimStream(vertx, resp, ResponsesSim.events(req, id, model, reply, searched, cached), behaviour, cancelledStreams,
                    completedStreams).endAfter(responsesEndAfterMs).start();
            return;
        }
        json(resp, 200, ResponsesSim.response(req, id, model, "completed", ResponsesSim.output(reply, searched, id), reply, cached));
    }

    private void chat(HttpServerResponse resp, JsonObject req, SimBehaviour behaviour, String quirks) {
        String invalid = SimValidation.chat(req);
        if (invalid != null) {
            error(resp, 400, invalid, "invalid_request_error", SimValidation.param(invalid), SimValidation.code(invalid));
            return;
        }
        SimReply reply = SimReply.to(req, behaviour.streamRepeat()).cutByOutputLimit(req);
        long began = System.nanoTime();
        String id = "chatcmpl-sim" + Long.toHexString(began);
        long created = System.currentTimeMillis() / 1000;
        String model = servedModel(req.getString("model"));
        int cached = promptCache.cachedTokens(req.getString("model"), req.getJsonArray("messages"), reply.promptTokens());
        if (Boolean.TRUE.equals(req.getBoolean("stream"))) {
            boolean usage = SimQuirks.usageUnasked(quirks) || req.getJsonObject("stream_options") != null
                    && Boolean.TRUE.equals(req.getJsonObject("stream_options").getBoolean("include_usage"));
            java.util.List<String> events = SimChunks.of(reply, id, created, model, usage, cached, req.containsKey("prediction"));
            if (SimQuirks.usageUnasked(quirks)) events = SimQuirks.usageOnLastChunk(events);
            if ("openrouter".equals(quirks) && OpenRouterSim.thinks(req)) events = OpenRouterSim.streamed(events, req);
            events = SimLogprobs.addTo(req, events);
            events = SimChoices.streamed(events, SimChoices.of(req));
            events = SimChunks.withSearchFields(model, events);
            SimStream stream = new SimStream(vertx, resp, SimStream.dataFrames(events), behaviour, cancelledStreams,
                    completedStreams);
            java.util.Map<String, StreamSpan> timed = streamSpans;
            if (timed != null) stream.onEnd(() -> timed.put(id, new StreamSpan(began, System.nanoTime())));
            stream.start();
            return;
        }
        JsonObject message = model.startsWith(SimChunks.REFUSER)
                ? new JsonObject().put("role", "assistant").putNull("content").put("refusal", SimChunks.REFUSAL).put("annotations", new JsonArray())
                : new JsonObject().put("role", "assistant").put("content", reply.text()).putNull("refusal")
                        .put("annotations", SimChunks.annotations(model, reply.text()));
        if (reply.toolName() != null) message.put("tool_calls", new JsonArray().add(SimChunks.toolCall(reply, SimChunks.callId(model, reply))));
        if ("openrouter".equals(quirks) && OpenRouterSim.thinks(req)) OpenRouterSim.addTo(message, req);
        JsonObject answer = new JsonObject()
                .put("id", id).put("object", "chat.completion").put("created", created).put("model", model)
                .put("choices", SimChoices.choices(new JsonObject().put("index", 0).put("message", message)
                        .put("logprobs", SimLogprobs.of(req, message.getString("content"))).put("finish_reason", reply.truncated() ? "length" : reply.toolName() != null ? "tool_calls" : "stop"), SimChoices.of(req)))
                .put("usage", SimChoices.usage(SimChunks.usage(reply, cached, req.containsKey("prediction")), SimChoices.of(req)))
                .put("service_tier", "default")
                .put("system_fingerprint", "fp_sim0001");
        JsonObject search = SimChunks.searchFields(model);
        json(resp, 200, search == null ? answer : answer.mergeIn(search));
    }

    /** Like OpenAI, an undated alias is answered by a dated snapshot, so "the model that served" differs. */
    static String servedModel(String requested) {
        return requested.matches(".*-\\d{4}-\\d{2}-\\d{2}$") ? requested : requested + "-2024-07-18";
    }

    private void embeddings(HttpServerResponse resp, JsonObject req) {
        Object input = req.getValue("input");
        if (input == null) {
            error(resp, 400, "'input' is a required property", "invalid_request_error", "input", null);
            return;
        }
        String invalid = SimValidation.embeddingInput(input);
        if (invalid == null && req.getValue("dimensions") != null && !(req.getValue("dimensions") instanceof Integer)) {
            invalid = "Invalid type for 'dimensions': expected an integer.";
        }
        if (invalid != null) {
            error(resp, 400, invalid, "invalid_request_error", null, null);
            return;
        }
        List<String> inputs = new ArrayList<>();
        // a string, a list of strings, one token array, or a list of token arrays
        if (input instanceof String s) inputs.add(s);
        else if (input instanceof JsonArray a && !a.isEmpty() && a.getValue(0) instanceof Number) inputs.add(a.encode());
        else for (Object o : (JsonArray) input) inputs.add(o instanceof JsonArray t ? t.encode() : String.valueOf(o));
        int dims = req.getInteger("dimensions", 8);
        // a model id with "floats-only" plays the many OpenAI-compatible servers that ignore encoding_format
        boolean base64 = "base64".equals(req.getString("encoding_format")) && !String.valueOf(req.getValue("model")).contains("floats-only");
        JsonArray data = new JsonArray();
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            float[] v = vector(inputs.get(i), dims);
            Object embedding;
            if (base64) {
                ByteBuffer bb = ByteBuffer.allocate(dims * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) bb.putFloat(f);
                embedding = Base64.getEncoder().encodeToString(bb.array());
            } else {
                JsonArray arr = new JsonArray();
                for (float f : v) arr.add(f);
                embedding = arr;
            }
            data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", embedding));
            tokens += SimReply.tokens(inputs.get(i));
        }
        json(resp, 200, new JsonObject().put("object", "list").put("data", data).put("model", req.getString("model"))
                .put("usage", new JsonObject().put("prompt_tokens", tokens).put("total_tokens", tokens)));
    }

    /** The same text's vector every time (Gemini's simulated embeddings use it too). */
    static float[] vector(String text, int dims) {
        float[] v = new float[dims];
        long seed = text.hashCode();
        for (int i = 0; i < dims; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            v[i] = (float) (((seed >>> 11) / (double) (1L << 53)) * 2 - 1);
        }
        return v;
    }

    private static void fault(HttpServerResponse resp, SimBehaviour b) {
        if (b.retryAfterSeconds() > 0) resp.putHeader("retry-after", Long.toString(b.retryAfterSeconds()));
        switch (b.status()) {
            case 429 -> error(resp, 429, "Rate limit reached for requests. Please try again in " + b.retryAfterSeconds() + "s.",
                    "requests", null, "rate_limit_exceeded");
            case 400 -> {
                switch (b.errorOr400()) {
                    case SimBehaviour.CONTENT_POLICY -> error(resp, 400, "Your request was rejected as a result of our safety system. "
                            + "Your prompt may contain text that is not allowed by our safety system.", "invalid_request_error", null,
                            "content_policy_violation");
                    case SimBehaviour.INVALID_REQUEST -> error(resp, 400, "Invalid 'messages': empty array. Expected an array with "
                            + "minimum length 1, but got an empty array instead.", "invalid_request_error", "messages", "empty_array");
                    default -> error(resp, 400, "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
                            "invalid_request_error", "messages", "context_length_exceeded");
                }
            }
            case 401 -> error(resp, 401, "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
                    "invalid_request_error", null, "invalid_api_key");
            case 503 -> error(resp, 503, "The engine is currently overloaded, please try again later.", "server_error", null, null);
            default -> error(resp, b.status(), "The server had an error while processing your request. Sorry about that!",
                    "server_error", null, null);
        }
    }

    static void error(HttpServerResponse resp, int status, String message, String type, String param, String code) {
        JsonObject e = new JsonObject().put("message", message).put("type", type).put("param", param).put("code", code);
        json(resp, status, new JsonObject().put("error", e));
    }

    private static void json(HttpServerResponse resp, int status, JsonObject body) {
        resp.setStatusCode(status).putHeader("content-type", "application/json").end(body.toBuffer());
    }
}
