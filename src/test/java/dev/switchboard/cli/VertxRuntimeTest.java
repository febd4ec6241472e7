package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.EventLoopTransport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The commands' Vert.x: a worker pool of {@code SWITCHBOARD_WORKER_THREADS} threads (4 by default, not Vert.x's 20). */
class VertxRuntimeTest {

    @Test
    void aCommandsVertxRunsBlockingWorkOnTheDefaultNumberOfWorkers() throws Exception {
        // (the suite runs without SWITCHBOARD_WORKER_THREADS: the default applies)
        Vertx vertx = VertxRuntime.create(1, EventLoopTransport.AUTO);
        try {
            Set<String> workers = ConcurrentHashMap.newKeySet();
            List<Future<Object>> tasks = new ArrayList<>();
            // ten tasks at once, each long enough that they overlap: Vert.x starts a worker per task up to its pool size
            for (int i = 0; i < 10; i++) {
                tasks.add(vertx.executeBlocking(() -> {
                    workers.add(Thread.currentThread().getName());
                    Thread.sleep(150);
                    return null;
                }, false));
            }
            Future.all(tasks).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(workers).hasSize(VertxRuntime.DEFAULT_WORKER_THREADS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theWorkerCountIsReadFromTheEnvironmentsValue() {
        assertThat(VertxRuntime.DEFAULT_WORKER_THREADS).isEqualTo(4);
        assertThat(VertxRuntime.workerThreads(null)).isEqualTo(4);
        assertThat(VertxRuntime.workerThreads(" ")).isEqualTo(4);
        assertThat(VertxRuntime.workerThreads("20")).isEqualTo(20);
        assertThat(VertxRuntime.workerThreads(" 1 ")).isEqualTo(1);
        assertThatThrownBy(() -> VertxRuntime.workerThreads("0")).isInstanceOf(IllegalStateException.class)
                .hasMessage("SWITCHBOARD_WORKER_THREADS='0' is not a number of threads. Fix: a whole number from 1 up "
                        + "(the default is 4), or unset it.");
        assertThatThrownBy(() -> VertxRuntime.workerThreads("four")).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("SWITCHBOARD_WORKER_THREADS='four' is not a number of threads.");
    }
}
