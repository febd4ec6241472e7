package dev.switchboard.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.simulator.ProviderSimulator;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The review's findings on the IT lifecycle extension (2026-12-07): a {@code @Nested} class's tests get the enclosing
 * IT's gateway reset (it is that class's field), only the class that started a gateway closes it, one gateway failing
 * to close does not leave the others open, and a gateway closed twice (its IT's {@code @AfterAll} and the extension)
 * closes once.
 */
class GatewayPerClassTest {
    static class Outer {
        static TestGateway gw;

        class Inner {}
    }

    private final GatewayPerClass extension = new GatewayPerClass();

    @AfterEach
    void close() {
        if (Outer.gw != null) Outer.gw.close();
        Outer.gw = null;
    }

    /** What JUnit hands the extension for a test of {@code testClass} (only the class is asked for). */
    private static ExtensionContext contextOf(Class<?> testClass) {
        return (ExtensionContext) Proxy.newProxyInstance(ExtensionContext.class.getClassLoader(),
                new Class<?>[] {ExtensionContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRequiredTestClass" -> testClass;
                    case "getTestClass" -> Optional.of(testClass);
                    case "toString" -> "context of " + testClass.getSimpleName();
                    default -> throw new AssertionError("unexpected call: " + method.getName());
                });
    }

    private static TestGateway start() {
        return TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, ${SIM_OPENAI} }
                """ + TestGateway.NO_RETRIES_MASTER_KEY);
    }

    private static boolean serving(TestGateway gw) {
        try {
            return Http.get(gw.baseUrl() + "/health/liveliness", null).statusCode() == 200;
        } catch (RuntimeException gone) {
            return false;
        }
    }

    @Test
    void aNestedClassesTestsGetTheEnclosingClassesGatewayResetButDoNotCloseIt() throws Exception {
        Outer.gw = start();
        Outer.gw.simulator.received().add(new ProviderSimulator.Received("/v1/chat/completions",
                MultiMap.caseInsensitiveMultiMap(), new JsonObject()));

        extension.beforeEach(contextOf(Outer.Inner.class));
        assertThat(Outer.gw.simulator.received()).as("what an earlier test sent upstream").isEmpty();

        extension.afterAll(contextOf(Outer.Inner.class)); // the nested class ends; the outer one's other tests go on
        assertThat(serving(Outer.gw)).isTrue();

        extension.afterAll(contextOf(Outer.class));
        assertThat(serving(Outer.gw)).isFalse();
    }

    @Test
    void aGatewayClosedTwiceDoesNotFail() {
        Outer.gw = start();
        Outer.gw.close();
        Outer.gw.close(); // what an IT with its own @AfterAll close gets from the extension after it
        assertThat(serving(Outer.gw)).isFalse();
    }

    @Test
    void oneFailingToCloseLeavesNoOtherOpenAndTheFirstFailureIsThrown() {
        List<String> closed = new ArrayList<>();
        IllegalStateException first = new IllegalStateException("first");
        IllegalStateException second = new IllegalStateException("second");
        List<AutoCloseable> all = List.of(
                () -> { closed.add("a"); throw first; },
                () -> closed.add("b"),
                () -> { closed.add("c"); throw second; });

        assertThatThrownBy(() -> GatewayPerClass.closeAll(all)).isSameAs(first).hasSuppressedException(second);
        assertThat(closed).containsExactly("a", "b", "c");
    }
}
