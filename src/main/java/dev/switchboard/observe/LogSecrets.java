package dev.switchboard.observe;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The configured secrets every log line is scrubbed of ({@link ScrubbingLayout}), whichever code wrote it: the
 * gateway's own lines are careful, but a library's are not (MSAL and azure-identity log a failed token request's
 * error description, which an authority may fill with the request's {@code client_secret}). Process-wide because the
 * logging backend is; each running gateway adds its scrubber at start and takes it away at shutdown.
 */
public final class LogSecrets {
    private static final List<UnaryOperator<String>> SCRUBBERS = new CopyOnWriteArrayList<>();

    private LogSecrets() {}

    /** @return takes this scrubber away again */
    public static Runnable add(UnaryOperator<String> scrubber) {
        SCRUBBERS.add(scrubber);
        return () -> SCRUBBERS.remove(scrubber);
    }

    /** {@code line} with every registered gateway's secrets masked. */
    public static String scrub(String line) {
        String out = line;
        for (UnaryOperator<String> s : SCRUBBERS) out = s.apply(out);
        return out;
    }
}
