package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ScrubbingLayoutTest {
    private static String layout(String message, Throwable thrown, Object... args) {
        ScrubbingLayout layout = new ScrubbingLayout();
        layout.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        layout.setPattern("%-5level %logger{0} - %msg%n");
        layout.start();
        Logger logger = (Logger) LoggerFactory.getLogger("com.example.SomeLibrary");
        return layout.doLayout(new LoggingEvent(Logger.class.getName(), logger, Level.ERROR, message, thrown, args));
    }

    @Test
    void theWholeLineIsScrubbedItsArgumentsAndStackTraceIncluded() {
        Runnable forget = LogSecrets.add(s -> s.replace("s3cr3t-value", "***"));
        try {
            String line = layout("token failed: {}", new IllegalStateException("wrapped",
                    new RuntimeException("Request was: client_secret=s3cr3t-value")), "client_secret=s3cr3t-value");
            assertThat(line).contains("token failed: client_secret=***").contains("Request was: client_secret=***")
                    .doesNotContain("s3cr3t-value");
        } finally {
            forget.run();
        }
        assertThat(layout("after: {}", null, "s3cr3t-value")).contains("after: s3cr3t-value"); // taken away at shutdown
    }
}
