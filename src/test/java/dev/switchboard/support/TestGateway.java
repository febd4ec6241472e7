package dev.switchboard.support;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.edge.EdgeServer;
import dev.switchboard.pipeline.Gateway;
import dev.switchboard.simulator.ProviderSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;

/**
 * A real gateway on an ephemeral port in front of a real OpenAI simulator, both over real sockets, for
 * integration tests. {@code ${SIM}} in the config text is replaced by the simulator's OpenAI base URL
 * (with /v1), {@code ${SIM_ROOT}} by its root URL (Anthropic and Gemini add their own paths). A deployment's
 * {@code litellm_params} may name the simulator and the test key of its provider in one placeholder after its model:
 * {@code ${SIM_OPENAI}}, {@code ${SIM_ANTHROPIC}}, {@code ${SIM_GEMINI}} or {@code ${SIM_BEDROCK}}
 * ({@code litellm_params: { model: anthropic/claude-sonnet-4-5, ${SIM_ANTHROPIC} }}).
 */
public final class TestGateway implements AutoCloseable {
    public static final String PROVIDER_KEY = "sk-provider-secret-0123456789abcdef";
    public static final String MASTER_KEY = "sk-master-test-key-9876543210";
    public static final String ANTHROPIC_PROVIDER_KEY = "sk-ant-provider-secret-fedcba9876";
    public static final String GEMINI_PROVIDER_KEY = "gemini-provider-secret-abc123xyz";
    /** A bedrock/ deployment's litellm_params besides its model: the simulator's AWS keys, its region and address. */
    public static final String BEDROCK_PARAMS = "aws_access_key_id: " + ProviderSimulator.BEDROCK_ACCESS_KEY
            + ", aws_secret_access_key: \"" + ProviderSimulator.BEDROCK_SECRET + "\", aws_region_name: us-east-1, api_base: \"${SIM_ROOT}\"";
    /**
     * What most ITs set after their {@code model_list}: no retries, so a fault injected upstream is what the client sees,
     * and the master key. An IT with more router or general settings writes its own.
     */
    public static final String NO_RETRIES_MASTER_KEY = """
            router_settings:
              num_retries: 0
            general_settings:
              master_key: os.environ/MASTER_KEY
            """;
    /** The {@code ${SIM_…}} placeholders of a deployment's litellm_params, each the simulator's address and its provider's test key. */
    private static final java.util.Map<String, String> SIM_PARAMS = java.util.Map.of(
            "${SIM_OPENAI}", "api_base: \"${SIM}\", api_key: os.environ/PROVIDER_KEY",
            "${SIM_ANTHROPIC}", "api_base: \"${SIM_ROOT}\", api_key: os.environ/ANTHROPIC_PROVIDER_KEY",
            "${SIM_GEMINI}", "api_base: \"${SIM_ROOT}\", api_key: os.environ/GEMINI_PROVIDER_KEY",
            "${SIM_BEDROCK}", BEDROCK_PARAMS);

    public final Vertx vertx;
    public final ProviderSimulator simulator;
    public final Gateway gateway;
    public final EdgeServer server;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private TestGateway(Vertx vertx, ProviderSimulator simulator, Gateway gateway, EdgeServer server) {
        this.vertx = vertx;
        this.simulator = simulator;
        this.gateway = gateway;
        this.server = server;
    }

    public static TestGateway start(String configTemplate) {
        return start(configTemplate, EdgeServer.ClientTimeouts.DEFAULT);
    }

    /** With other client timeouts, for the slow-client tests. */
    public static TestGateway start(String configTemplate, EdgeServer.ClientTimeouts timeouts) {
        return start(configTemplate, timeouts, null);
    }

    /** With spans going to {@code tracing} (an in-memory exporter) instead of where the config says. */
    public static TestGateway start(String configTemplate, dev.switchboard.observe.Tracing tracing) {
        return start(configTemplate, EdgeServer.ClientTimeouts.DEFAULT, tracing);
    }

    /**
     * With extra environment variables, seen by {@code os.environ/} references and by providers that read their key
     * from the environment when the config names none (HUGGINGFACE_API_KEY, …), as a user's shell would set them.
     */
    public static TestGateway start(String configTemplate, java.util.Map<String, String> env) {
        return start(configTemplate, EdgeServer.ClientTimeouts.DEFAULT, null, sim -> env);
    }

    private static TestGateway start(String configTemplate, EdgeServer.ClientTimeouts timeouts,
                                     dev.switchboard.observe.Tracing tracing) {
        return start(configTemplate, timeouts, tracing, sim -> java.util.Map.of());
    }

    /**
     * With the simulator prepared before the gateway starts (an Entra token endpoint, say): {@code prepare} returns
     * values that replace {@code ${NAME}} in the config and that the gateway also sees as environment variables.
     */
    public static TestGateway start(String configTemplate,
                                    java.util.function.Function<ProviderSimulator, java.util.Map<String, String>> prepare) {
        return start(configTemplate, EdgeServer.ClientTimeouts.DEFAULT, null, prepare);
    }

    private static TestGateway start(String configTemplate, EdgeServer.ClientTimeouts timeouts,
                                     dev.switchboard.observe.Tracing tracing,
                                     java.util.function.Function<ProviderSimulator, java.util.Map<String, String>> prepare) {
        Vertx vertx = vertx();
        return start(vertx, await(ProviderSimulator.start(vertx, "127.0.0.1", 0, true)), configTemplate, timeouts, tracing, prepare);
    }

    /**
     * With a config written once the simulator runs (for files that name its URL, such as a service account's
     * {@code token_uri}) and environment variables that both the config's {@code os.environ/} and the providers see.
     */
    public static TestGateway start(java.util.function.Function<ProviderSimulator, String> configTemplate,
                                    java.util.Map<String, String> env) {
        Vertx vertx = vertx();
        ProviderSimulator sim = await(ProviderSimulator.start(vertx, "127.0.0.1", 0, true));
        return start(vertx, sim, configTemplate.apply(sim), EdgeServer.ClientTimeouts.DEFAULT, null, s -> env);
    }

    /** As {@link #start(java.util.function.Function, java.util.Map)}, with spans going to {@code tracing}. */
    public static TestGateway start(java.util.function.Function<ProviderSimulator, String> configTemplate,
                                    java.util.Map<String, String> env, dev.switchboard.observe.Tracing tracing) {
        Vertx vertx = vertx();
        ProviderSimulator sim = await(ProviderSimulator.start(vertx, "127.0.0.1", 0, true));
        return start(vertx, sim, configTemplate.apply(sim), EdgeServer.ClientTimeouts.DEFAULT, tracing, s -> env);
    }

    /**
     * In front of a simulator that answers over HTTPS with HTTP/2 offered by ALPN, with {@code keyCert} as its
     * certificate; {@code ${SIM}} and {@code ${SIM_ROOT}} are its https://localhost URLs.
     *
     * @param record keep every request (off for tests that send thousands)
     */
    public static TestGateway startTls(String configTemplate, io.vertx.core.net.KeyCertOptions keyCert, boolean record) {
        Vertx vertx = vertx();
        return start(vertx, await(ProviderSimulator.startTls(vertx, "127.0.0.1", 0, record, keyCert)), configTemplate,
                EdgeServer.ClientTimeouts.DEFAULT, null, s -> java.util.Map.of());
    }

    /** In front of a plain-HTTP simulator that keeps no record of requests (tests that send thousands). */
    public static TestGateway startUnrecorded(String configTemplate) {
        Vertx vertx = vertx();
        return start(vertx, await(ProviderSimulator.start(vertx, "127.0.0.1", 0, false)), configTemplate,
                EdgeServer.ClientTimeouts.DEFAULT, null, s -> java.util.Map.of());
    }

    /**
     * A gateway (two server instances, as every TestGateway) and its simulator on {@code vertx}, which the caller built
     * (with a metrics SPI that tells which event loop served a connection, say); closed with the gateway.
     */
    public static TestGateway startOn(Vertx vertx, String configTemplate) {
        return start(vertx, await(ProviderSimulator.start(vertx, "127.0.0.1", 0, true)), configTemplate,
                EdgeServer.ClientTimeouts.DEFAULT, null, sim -> java.util.Map.of());
    }

    /**
     * The gateway's and the simulator's Vert.x, built where the commands build theirs, on the transport production's
     * default picks (io_uring where the machine allows it), so the suite runs on what a gateway runs on.
     */
    private static Vertx vertx() {
        return vertx(new VertxOptions().setEventLoopPoolSize(2));
    }

    /**
     * Vert.x with {@code options} on the default transport, for the test upstreams that stand beside the gateway;
     * {@code -Dswitchboard.test.transport=epoll} (or any {@code event_loop_transport} value) runs the suite on another.
     */
    public static Vertx vertx(VertxOptions options) {
        return dev.switchboard.cli.VertxRuntime.create(options, TRANSPORT);
    }

    private static final dev.switchboard.config.EventLoopTransport TRANSPORT = java.util.Objects.requireNonNull(
            dev.switchboard.config.EventLoopTransport.parse(System.getProperty("switchboard.test.transport", "auto")),
            "-Dswitchboard.test.transport: auto, io_uring, epoll or nio");

    private static TestGateway start(Vertx vertx, ProviderSimulator sim, String configTemplate, EdgeServer.ClientTimeouts timeouts,
                                     dev.switchboard.observe.Tracing tracing,
                                     java.util.function.Function<ProviderSimulator, java.util.Map<String, String>> prepare) {
        java.util.Map<String, String> extra = prepare.apply(sim);
        String yaml = configTemplate;
        for (var p : SIM_PARAMS.entrySet()) yaml = yaml.replace(p.getKey(), p.getValue());
        yaml = yaml.replace("${SIM}", sim.baseUrl()).replace("${SIM_ROOT}", sim.rootUrl());
        for (var e : extra.entrySet()) yaml = yaml.replace("${" + e.getKey() + "}", e.getValue());
        java.util.function.Function<String, String> env = name -> extra.containsKey(name) ? extra.get(name) : switch (name) {
            case "PROVIDER_KEY" -> PROVIDER_KEY;
            case "MASTER_KEY" -> MASTER_KEY;
            case "ANTHROPIC_PROVIDER_KEY" -> ANTHROPIC_PROVIDER_KEY;
            case "GEMINI_PROVIDER_KEY" -> GEMINI_PROVIDER_KEY;
            default -> System.getenv(name);
        };
        GatewayConfig config = new ConfigLoader(env).parse(yaml);
        if (config.general().databaseUrl() == null
                && config.general().databasePath().equals(dev.switchboard.config.GeneralSettings.DEFAULT_DATABASE_PATH)) {
            config = config.withGeneral(config.general().withDatabasePath(tempDatabase()));
        }
        Gateway gateway = Gateway.create(vertx, config, extra.isEmpty() ? System::getenv : env, tracing);
        EdgeServer server = await(EdgeServer.start(vertx, gateway, "127.0.0.1", 0, 2, timeouts));
        return new TestGateway(vertx, sim, gateway, server);
    }

    /**
     * The default test config: an OpenAI alias on the simulator, a mock alias, Anthropic and Gemini (2.5 and 3)
     * aliases on the simulator, a master key. No retries, so a fault injected upstream is what the client sees
     * (routing tests configure their own).
     */
    public static TestGateway standard() {
        return start("""
                model_list:
                  - model_name: gpt
                    litellm_params:
                      model: openai/gpt-4o-mini
                      api_base: ${SIM}
                      api_key: os.environ/PROVIDER_KEY
                      timeout: 2
                  - model_name: mock
                    litellm_params:
                      model: mock/mock-model
                  - model_name: embedder
                    litellm_params:
                      model: openai/text-embedding-3-small
                      api_base: ${SIM}
                      api_key: os.environ/PROVIDER_KEY
                  - model_name: claude
                    litellm_params:
                      model: anthropic/claude-sonnet-4-5
                      api_base: ${SIM_ROOT}
                      api_key: os.environ/ANTHROPIC_PROVIDER_KEY
                      timeout: 2
                  - model_name: gemini
                    litellm_params:
                      model: gemini/gemini-2.5-flash
                      api_base: ${SIM_ROOT}
                      api_key: os.environ/GEMINI_PROVIDER_KEY
                  - model_name: gemini3
                    litellm_params:
                      model: gemini/gemini-3-flash-preview
                      api_base: ${SIM_ROOT}
                      api_key: os.environ/GEMINI_PROVIDER_KEY
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  max_request_size_mb: 1
                """);
    }

    /**
     * A {@code model_list} whose entries are OpenAI deployments on the simulator, one per {@code alias=model}
     * (the same alias twice makes a group); more entries or settings may follow in the same text.
     */
    public static String simModels(String... aliasEqualsModel) {
        StringBuilder sb = new StringBuilder("model_list:\n");
        for (String pair : aliasEqualsModel) {
            String[] p = pair.split("=", 2);
            sb.append("  - model_name: ").append(p[0]).append("\n    litellm_params: { model: openai/").append(p[1])
                    .append(", api_base: \"${SIM}\", api_key: os.environ/PROVIDER_KEY }\n");
        }
        return sb.toString();
    }

    /** A fresh SQLite file per gateway, deleted when the JVM exits: tests never share or leave a store behind. */
    public static String tempDatabase() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("switchboard-test-");
            dir.toFile().deleteOnExit();
            java.nio.file.Path db = dir.resolve("switchboard.db");
            for (String suffix : new String[] {"", "-wal", "-shm"}) dir.resolve("switchboard.db" + suffix).toFile().deleteOnExit();
            return db.toString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String baseUrl() { return "http://127.0.0.1:" + server.port(); }

    public String v1() { return baseUrl() + "/v1"; }

    public static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Idempotent: an IT's own {@code @AfterAll} and {@link GatewayPerClass} may both close it; the second does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        gateway.shutdown();
        await(vertx.close());
    }
}
