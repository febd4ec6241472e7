package dev.switchboard.support;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The lifecycle of an IT that starts one {@link TestGateway} for all its tests, so that the IT says only how it starts
 * it: with {@code @ExtendWith(GatewayPerClass.class)}, the class's static {@code TestGateway} fields (set by its
 * {@code @BeforeAll}) have their simulator cleared before each test (its record, queued behaviours and switches: no test
 * sees another's) and are closed after the class's last test (after its own {@code @AfterAll} methods).
 */
public final class GatewayPerClass implements BeforeEachCallback, AfterAllCallback {
    @Override
    public void beforeEach(ExtensionContext context) throws IllegalAccessException {
        for (TestGateway gw : gateways(context.getRequiredTestClass())) gw.simulator.reset();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IllegalAccessException {
        for (TestGateway gw : gateways(context.getRequiredTestClass())) gw.close();
    }

    /** The started gateways in the class's static fields (none where its {@code @BeforeAll} failed before starting one). */
    private static List<TestGateway> gateways(Class<?> testClass) throws IllegalAccessException {
        List<TestGateway> found = new ArrayList<>();
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || !TestGateway.class.isAssignableFrom(f.getType())) continue;
                f.setAccessible(true);
                if (f.get(null) instanceof TestGateway gw) found.add(gw);
            }
        }
        return found;
    }
}
