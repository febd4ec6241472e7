package dev.switchboard.provider;

import io.vertx.core.Vertx;
import java.util.function.Function;

/** What providers share: the Vert.x instance, one pooled upstream HTTP client, and the environment. */
public record ProviderContext(Vertx vertx, UpstreamHttp http, Function<String, String> env) {}
