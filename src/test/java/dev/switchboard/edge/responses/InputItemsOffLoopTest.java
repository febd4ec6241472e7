package dev.switchboard.edge.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.model.StoredResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/responses/{id}/input_items} parses the whole stored conversation for any page of it: over
 * {@link ResponsesRoutes#PARSE_OFF_LOOP_CHARS} that parse (and the page's writing) runs on a worker thread, as a
 * retrieve's does, not on the connection's event loop; the page is the same either way.
 */
class InputItemsOffLoopTest {
    private static final ObjectMapper M = new ObjectMapper();
    /** One worker thread: a test holds it to see, by no timing, that a parse was queued to it rather than done in place. */
    private static final Vertx VERTX = Vertx.vertx(new VertxOptions().setWorkerPoolSize(1));
    private static final RetrieveIncludes.Wanted PLAIN = new RetrieveIncludes.Wanted(false, false);

    @AfterAll
    static void close() throws Exception { VERTX.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS); }

    /** What {@code call} returned on an event loop, whether it was complete when it returned, and where it completed. */
    private record Run<T>(boolean completeAtReturn, T result, Throwable failure, boolean completedOnLoop) {}

    private static <T> Run<T> onLoop(java.util.function.Function<Context, Future<T>> call) throws Exception {
        Context loop = VERTX.getOrCreateContext();
        assertThat(loop.isEventLoopContext()).isTrue();
        CompletableFuture<Run<T>> done = new CompletableFuture<>();
        loop.runOnContext(v -> {
            Future<T> f = call.apply(loop);
            boolean atReturn = f.isComplete();
            f.onComplete(ar -> done.complete(new Run<>(atReturn, ar.result(), ar.cause(), Context.isOnEventLoopThread())));
        });
        return done.get(10, TimeUnit.SECONDS);
    }

    private static StoredResponse row(String id, String userText) throws Exception {
        ArrayNode conversation = M.createArrayNode();
        conversation.addObject().put("id", "msg_1").put("type", "message").put("role", "user").put("content", userText);
        conversation.addObject().put("id", "fc_1").put("type", "function_call").put("call_id", "c1").put("name", "f").put("arguments", "{}");
        conversation.addObject().put("id", "fco_1").put("type", "function_call_output").put("call_id", "c1").put("output", "42");
        String output = "[{\"id\":\"msg_out\",\"type\":\"message\",\"role\":\"assistant\",\"status\":\"completed\","
                + "\"content\":[{\"type\":\"output_text\",\"text\":\"done\",\"annotations\":[],\"logprobs\":[]}]}]";
        conversation.addAll((ArrayNode) M.readTree(output));
        String body = "{\"id\":\"" + id + "\",\"object\":\"response\",\"status\":\"completed\",\"output\":" + output + "}";
        return new StoredResponse(id, "owner", 0, Long.MAX_VALUE, body, conversation.toString());
    }

    /** The page as the endpoint wrote it before it left the loop: parsed and listed in place. */
    private static String inPlace(StoredResponse row, boolean ascending, int limit, String after) throws Exception {
        ArrayNode conversation = (ArrayNode) M.readTree(row.conversation());
        return RetrieveIncludes.listed(InputItems.page(row.id(), InputItems.before(conversation,
                ResponsesRoutes.parse(row.body()).path("output")), ascending, limit, after), PLAIN).toString();
    }

    /** Runs {@code call} on an event loop while the only worker thread is held: work handed to a worker waits for it. */
    private static <T> Run<T> onLoopWhileTheWorkerIsHeld(java.util.function.Function<Context, Future<T>> call) throws Exception {
        CountDownLatch held = new CountDownLatch(1), release = new CountDownLatch(1);
        VERTX.executeBlocking(() -> { held.countDown(); return release.await(10, TimeUnit.SECONDS); }, false);
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Run<T>> done = new CompletableFuture<>();
        Context loop = VERTX.getOrCreateContext();
        loop.runOnContext(v -> {
            Future<T> f = call.apply(loop);
            boolean atReturn = f.isComplete(); // not by timing: the worker that would complete it is held
            release.countDown();
            f.onComplete(ar -> done.complete(new Run<>(atReturn, ar.result(), ar.cause(), Context.isOnEventLoopThread())));
        });
        return done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aLargeConversationIsListedOffTheLoopAndReadsTheSame() throws Exception {
        StoredResponse large = row("resp_large", "read this: " + "x".repeat(ResponsesRoutes.PARSE_OFF_LOOP_CHARS + 1024));
        Run<io.vertx.core.buffer.Buffer> run = onLoopWhileTheWorkerIsHeld(c -> ResponsesRoutes.listed(c, large, false, 2, null, PLAIN));
        assertThat(run.failure()).isNull();
        assertThat(run.completeAtReturn()).as("the parse was handed to the (held) worker, not done on the loop").isFalse();
        assertThat(run.completedOnLoop()).as("the page comes back on the connection's loop").isTrue();
        assertThat(run.result().toString()).isEqualTo(inPlace(large, false, 2, null));
        assertThat(M.readTree(run.result().toString()).path("data").findValuesAsText("id")).containsExactly("fco_1", "fc_1");

        Run<io.vertx.core.buffer.Buffer> after = onLoop(c -> ResponsesRoutes.listed(c, large, true, 20, "msg_1", PLAIN));
        assertThat(after.result().toString()).isEqualTo(inPlace(large, true, 20, "msg_1"));
        // a bad 'after' is the same 400 from the worker as in place
        Run<io.vertx.core.buffer.Buffer> bad = onLoop(c -> ResponsesRoutes.listed(c, large, true, 20, "msg_nope", PLAIN));
        assertThat(bad.failure()).isInstanceOf(dev.switchboard.model.GatewayException.class)
                .hasMessageContaining("no input item with id 'msg_nope'");
    }

    @Test
    void aShortConversationIsListedInPlace() throws Exception {
        StoredResponse small = row("resp_small", "hello");
        Run<io.vertx.core.buffer.Buffer> run = onLoopWhileTheWorkerIsHeld(c -> ResponsesRoutes.listed(c, small, false, 20, null, PLAIN));
        assertThat(run.completeAtReturn()).as("no hop to a worker for a short one").isTrue();
        assertThat(run.result().toString()).isEqualTo(inPlace(small, false, 20, null));
    }

    @Test
    void offLoopRunsTheWorkOnAWorkerThreadAboveTheBoundOnly() throws Exception {
        Supplier<java.util.concurrent.Callable<String>> where = () -> () -> Thread.currentThread().getName()
                + (Context.isOnWorkerThread() ? " (worker)" : Context.isOnEventLoopThread() ? " (loop)" : "");
        Run<String> large = onLoop(c -> ResponsesRoutes.offLoop(c, ResponsesRoutes.PARSE_OFF_LOOP_CHARS + 1L, where.get()));
        assertThat(large.result()).contains("worker").endsWith("(worker)");
        Run<String> small = onLoop(c -> ResponsesRoutes.offLoop(c, ResponsesRoutes.PARSE_OFF_LOOP_CHARS, where.get()));
        assertThat(small.result()).contains("eventloop").endsWith("(loop)");
        Run<String> failed = onLoop(c -> ResponsesRoutes.offLoop(c, 1L << 40, () -> { throw new IllegalStateException("bad row"); }));
        assertThat(failed.failure()).isInstanceOf(IllegalStateException.class).hasMessage("bad row");
        assertThat(failed.completedOnLoop()).isTrue();
    }

    /** An Error in place (a StackOverflowError on a deep row) fails the future too, so the client is still answered. */
    @Test
    void anErrorInPlaceFailsTheFutureRatherThanEscaping() throws Exception {
        Run<String> overflow = onLoop(c -> ResponsesRoutes.offLoop(c, 1L, () -> { throw new StackOverflowError("deep"); }));
        assertThat(overflow.failure()).isInstanceOf(StackOverflowError.class).hasMessage("deep");
        assertThat(overflow.completeAtReturn()).isTrue();
    }
}
