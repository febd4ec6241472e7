package dev.switchboard.route;

import dev.switchboard.config.Deployment;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.Choice;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.Provider;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** An in-process provider for router unit tests: answers at once (or fails as told) and counts its calls. */
final class FakeProvider implements Provider {
    final Deployment deployment;
    final AtomicInteger calls = new AtomicInteger();
    volatile Supplier<RuntimeException> failure;

    FakeProvider(Deployment deployment) { this.deployment = deployment; }

    static Deployment deployment(String alias, String model, Map<String, Object> params, Map<String, Object> info) {
        return new Deployment(alias, "fake", model, null, null, null, null, null, Map.of(), params, info, 1);
    }

    Target target() { return new Target(deployment, this); }

    @Override
    public Future<ChatResponse> chat(ChatRequest request, CallOptions options) {
        calls.incrementAndGet();
        Supplier<RuntimeException> f = failure;
        if (f != null) return Future.failedFuture(f.get());
        return Future.succeededFuture(new ChatResponse("id", 0, deployment.model(), List.of(new Choice(0,
                Message.text(Role.ASSISTANT, "ok"), FinishReason.STOP, null)), new Usage(10, 2, 0, 0, 0), null, null));
    }

    @Override
    public Future<ChatStream> stream(ChatRequest request, CallOptions options) {
        throw new UnsupportedOperationException("router unit tests use chat; streams are tested end to end");
    }

    static CallContext ctx() { return new CallContext("req_test", Caller.ANONYMOUS, System.nanoTime(), Map.of()); }

    static ChatRequest ask(String alias, String text) {
        return new ChatRequest(alias, List.of(Message.text(Role.USER, text)), null, null, null, null, null, null,
                null, null, null, null, null, null, false, false, null);
    }
}
