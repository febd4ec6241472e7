package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.edge.openai.OpenAiRequestDecoder;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Usage;
import dev.switchboard.pipeline.Gateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the governance check costs on the request path, measured on the real objects: a real {@link Gateway} built by
 * {@link Gateway#create} from a config (a temporary SQLite store, one OpenAI deployment priced by the bundled catalog
 * as {@code openai/gpt-4o-mini}; the upstream is never called), virtual keys made by its admin API
 * ({@code gateway.keys().generate}), the request decoded by the OpenAI decoder the edge uses.
 *
 * <ul>
 *   <li>{@link #authenticate} (a): a virtual key presented: SHA-256 of it and the in-memory lookup (the master-key
 *       comparison runs first, as on the request path).</li>
 *   <li>{@link #admitSettleVirtualKey} (b): {@code Metering.begin} (reachable deployments, the worst case, the
 *       governor: allowlist, rpm/tpm/parallel limiter, the tokenizer-free bound reserved against the key's budget)
 *       and the settle to the call's real usage priced on the deployment. Through {@link Gateway#governanceCheck}.</li>
 *   <li>{@link #admitSettleMasterKey} (c): the same for the master key: no key, no limits, no budget.</li>
 *   <li>{@link #admitSettleExactCount} (d): a key with $0.05 left, where the bound (~$0.01, most of it the model's
 *       16,384-token output limit) is more than a tenth of what is left, so the governor asks for the exact worst
 *       case and JTokkit counts the prompt. It settles to a zero cost so the budget stays near its end all run.</li>
 *   <li>{@link #governanceCheck} (e): (a) + (b) as one request sees them: authenticate, build the call context,
 *       admit, settle. The figure the 20 µs p50 target is about.</li>
 * </ul>
 * The request is a typical short chat: a one-line system prompt and a ~150-character question, no {@code max_tokens}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GovernanceBench {
    static final String MASTER_KEY = "sk-bench-master-0123456789abcdef";
    static final String DEPLOYMENT = "openai/gpt-4o-mini";
    static final String REQUEST = """
            {"model":"bench","messages":[
              {"role":"system","content":"You are a helpful assistant. Answer briefly."},
              {"role":"user","content":"Summarize the main differences between TCP and UDP in three bullet points, and say when a video call would prefer one over the other."}]}
            """;

    private Path dir;
    private Vertx vertx;
    Gateway gateway;
    String virtualKey;
    CallContext virtualCtx, masterCtx, nearEndCtx;
    ChatRequest request;
    /** What the simulator answers such a request with: its prompt, ~60 tokens of answer. */
    final Usage usage = new Usage(40, 60, 0, 0, 0, 0);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("switchboard-jmh");
        String yaml = """
                model_list:
                  - model_name: bench
                    litellm_params:
                      model: openai/gpt-4o-mini
                      api_base: http://127.0.0.1:9/v1
                      api_key: sk-upstream-never-called
                  - model_name: bench-smart
                    litellm_params:
                      model: openai/gpt-4o
                      api_base: http://127.0.0.1:9/v1
                      api_key: sk-upstream-never-called
                general_settings:
                  master_key: %s
                  database_path: %s
                """.formatted(MASTER_KEY, dir.resolve("bench.db"));
        GatewayConfig config = new ConfigLoader(name -> null).parse(yaml);
        vertx = Vertx.vertx();
        gateway = Gateway.create(vertx, config, name -> null);

        // (b), (e): a large budget per 30 days, rpm/tpm/parallel limits that never trigger, an allowlist of two.
        virtualKey = generate("""
                {"key_alias":"bench-vk","models":["bench-smart","bench"],"max_budget":1000000,"budget_duration":"30d",
                 "rpm_limit":1000000000000,"tpm_limit":1000000000000000,"max_parallel_requests":10000,"tags":["bench"]}""");
        // (d): the same, with $0.05 left: the bound does not fit a tenth of it, the tokenizer counts.
        String nearEndKey = generate("""
                {"key_alias":"bench-near-end","models":["bench-smart","bench"],"max_budget":0.05,"budget_duration":"30d",
                 "rpm_limit":1000000000000,"tpm_limit":1000000000000000,"max_parallel_requests":10000,"tags":["bench"]}""");

        request = new OpenAiRequestDecoder().chat(Buffer.buffer(REQUEST));
        virtualCtx = context(gateway.authenticator().authenticate(virtualKey));
        masterCtx = context(gateway.authenticator().authenticate(MASTER_KEY));
        nearEndCtx = context(gateway.authenticator().authenticate(nearEndKey));
        if (!virtualCtx.caller().virtualKey() || masterCtx.caller().virtualKey()) throw new IllegalStateException("callers");

        // Each path once (this also loads the tokenizer), and proof that (b) reserves the bound and (d) the exact count.
        long bound = gateway.governanceCheck(virtualCtx, request, DEPLOYMENT, usage);
        long master = gateway.governanceCheck(masterCtx, request, DEPLOYMENT, usage);
        long exact = gateway.governanceCheck(nearEndCtx, request, DEPLOYMENT, Usage.ZERO);
        if (bound <= 0 || master != 0 || exact <= 0 || exact >= bound) {
            throw new IllegalStateException("unexpected reservations: virtual key " + bound + ", master " + master
                    + ", near the end " + exact + " (nano-dollars); is the deployment priced?");
        }
        System.out.printf("%nreserved per call (nano-dollars): (b) bound %d, (d) exact count %d, (c) master %d%n", bound, exact, master);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        gateway.shutdown();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException ignored) {
                    // a temp dir left behind is harmless
                }
            });
        }
    }

    private String generate(String json) throws Exception {
        ObjectNode body = (ObjectNode) new ObjectMapper().readTree(json);
        return await(gateway.keys().generate(body)).get("key").asText();
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static CallContext context(Caller caller) {
        return new CallContext("req-bench", caller, System.nanoTime(), Map.of());
    }

    @Benchmark
    public Caller authenticate() {
        return gateway.authenticator().authenticate(virtualKey);
    }

    @Benchmark
    public long admitSettleVirtualKey() {
        return gateway.governanceCheck(virtualCtx, request, DEPLOYMENT, usage);
    }

    @Benchmark
    public long admitSettleMasterKey() {
        return gateway.governanceCheck(masterCtx, request, DEPLOYMENT, usage);
    }

    @Benchmark
    public long admitSettleExactCount() {
        return gateway.governanceCheck(nearEndCtx, request, DEPLOYMENT, Usage.ZERO);
    }

    @Benchmark
    public long governanceCheck() {
        Caller caller = gateway.authenticator().authenticate(virtualKey);
        CallContext ctx = new CallContext("req-bench", caller, System.nanoTime(), Map.of());
        return gateway.governanceCheck(ctx, request, DEPLOYMENT, usage);
    }
}
