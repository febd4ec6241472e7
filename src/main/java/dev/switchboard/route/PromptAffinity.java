package dev.switchboard.route;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Prompt-cache affinity ("sticky" routing): which deployment of a group last served a cacheable prefix, so
 * the next request with that prefix goes there while it is healthy and the provider's prompt cache is reused
 * instead of being rebuilt on another deployment. Bounded in size, and an entry expires when its prefix is
 * not seen for as long as providers keep a prompt cache warm.
 */
final class PromptAffinity {
    static final int MAX_PREFIXES = 50_000;
    static final Duration IDLE = Duration.ofMinutes(10);

    private record Key(String alias, long prefix) {}

    private final Cache<Key, DeploymentState> sticky = Caffeine.newBuilder()
            .maximumSize(MAX_PREFIXES)
            .expireAfterAccess(IDLE)
            .executor(Runnable::run) // maintenance is tiny: no extra thread pool
            .build();

    DeploymentState get(String alias, long prefix) {
        return sticky.getIfPresent(new Key(alias, prefix));
    }

    void remember(String alias, long prefix, DeploymentState served) {
        Key k = new Key(alias, prefix);
        if (sticky.getIfPresent(k) != served) sticky.put(k, served);
    }
}
