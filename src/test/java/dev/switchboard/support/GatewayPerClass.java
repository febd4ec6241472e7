package dev.switchboard.support;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The lifecycle of an IT that starts one {@link TestGateway} for all its tests, so that the IT says only how it starts
 * it: with {@code @ExtendWith(GatewayPerClass.class)}, the class's static {@code TestGateway} fields have their simulator
 * cleared before each test (its record, queued behaviours and switches: no test sees another's), also for the tests of
 * its {@code @Nested} classes (the enclosing classes' fields count), and are closed after the class's last test (after
 * its own {@code @AfterAll} methods; a {@code @Nested} class closes only the fields it declares itself). Each field must
 * be started by this class's own {@code @BeforeAll}: one shared with other classes would be closed after the first.
 */
public final class GatewayPerClass implements BeforeEachCallback, AfterAllCallback {
    @Override
    public void beforeEach(ExtensionContext context) throws IllegalAccessException {
        for (TestGateway gw : gateways(context.getRequiredTestClass(), true)) gw.simulator.reset();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        closeAll(gateways(context.getRequiredTestClass(), false));
    }

    /** Closes each, even after one failed; then throws the first failure, with the later ones suppressed in it. */
    static void closeAll(Iterable<? extends AutoCloseable> all) throws Exception {
        Throwable first = null;
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Throwable t) {
                if (first == null) first = t;
                else first.addSuppressed(t);
            }
        }
        if (first instanceof Error e) throw e;
        if (first != null) throw (Exception) first;
    }

    /**
     * The started gateways in the static fields of the class and its superclasses, and with {@code enclosing} those of
     * the classes it is nested in (none where a {@code @BeforeAll} failed before starting one).
     */
    private static Set<TestGateway> gateways(Class<?> testClass, boolean enclosing) throws IllegalAccessException {
        Set<TestGateway> found = new LinkedHashSet<>();
        for (Class<?> nest = testClass; nest != null; nest = enclosing ? nest.getEnclosingClass() : null) {
            for (Class<?> c = nest; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers()) || !TestGateway.class.isAssignableFrom(f.getType())) continue;
                    f.setAccessible(true);
                    if (f.get(null) instanceof TestGateway gw) found.add(gw);
                }
            }
        }
        return found;
    }
}
