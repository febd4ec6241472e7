package dev.switchboard.govern;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Members' rate limits in their teams (LiteLLM's {@code team_member_rpm_limit} / {@code team_member_tpm_limit}, or a
 * member's own {@code rpm_limit} / {@code tpm_limit}) in memory, kept by {@link Teams} as each team's row changes: one
 * entry a member with a limit, by {@link TeamMember#id}. The rate limiter (and the shared limits' sync) knows them by
 * {@link #limiterId}: {@code mm:} and a hash of the member id, so a member's calls over all their keys of the team, on
 * every gateway of the store, share one bucket. A member without limits, or a key's user who is not a member, has none.
 */
final class MemberLimits {
    private static final String PREFIX = "mm:";

    /** The limits of each member who has some, by member id. */
    private final Map<String, RateLimiter.Limits> limits = new ConcurrentHashMap<>();
    private final Map<String, String> limiterIds = new ConcurrentHashMap<>();
    private final Map<String, RateLimiter.Limits> byLimiterId = new ConcurrentHashMap<>();
    /** The member ids with limits of each team, to let go of those no longer there (and to skip teams with none fast). */
    private final Map<String, Set<String>> limitedOf = new ConcurrentHashMap<>();
    /** Forgets a member's buckets once their limits are gone (set by governance: the rate limiter's {@code forget}). */
    private volatile java.util.function.Consumer<String> forget = id -> {};

    /** A team's row as it is now: each member's limits put, those of members gone (or without limits now) let go. */
    void put(Team t) {
        Set<String> now = new java.util.HashSet<>();
        for (Team.Member m : t.members()) {
            RateLimiter.Limits l = t.limitsOf(m);
            if (!l.any()) continue;
            String id = TeamMember.id(t.teamId(), m.userId());
            String lid = limiterIds.computeIfAbsent(id, MemberLimits::limiterId);
            limits.put(id, l);
            byLimiterId.put(lid, l);
            now.add(id);
        }
        Set<String> was = now.isEmpty() ? limitedOf.remove(t.teamId()) : limitedOf.put(t.teamId(), now);
        if (was != null) for (String id : was) if (!now.contains(id)) drop(id);
    }

    /** A team deleted: its members' limits go. */
    void remove(String teamId) {
        Set<String> was = limitedOf.remove(teamId);
        if (was != null) for (String id : was) drop(id);
    }

    private void drop(String memberId) {
        limits.remove(memberId);
        String lid = limiterIds.remove(memberId);
        if (lid != null && byLimiterId.remove(lid) != null) forget.accept(lid); // limits set again later start full
    }

    /** Whether any member of this team has limits: the one lookup a call of a team without member limits pays. */
    boolean anyIn(String teamId) { return limitedOf.containsKey(teamId); }

    /** The member id of this user in this team when they have limits there, else null. */
    String limited(String teamId, String userId) {
        if (userId == null || !limitedOf.containsKey(teamId)) return null;
        String id = TeamMember.id(teamId, userId);
        return limits.containsKey(id) ? id : null;
    }

    /** A member's limits ({@link RateLimiter.Limits#NONE} for none). */
    RateLimiter.Limits limits(String memberId) { return limits.getOrDefault(memberId, RateLimiter.Limits.NONE); }

    /** {@link #limiterId} of a member with limits, without hashing on the request path; null for none. */
    String limiterIdOf(String memberId) { return limiterIds.get(memberId); }

    static String limiterId(String memberId) { return PREFIX + KeySecrets.hash(memberId).substring(0, 40); }

    boolean ownsLimiterId(String limiterId) { return limiterId.startsWith(PREFIX); }

    /** The limits of the member whose limiter id this is, or null for none known here. */
    RateLimiter.Limits limitsOfLimiterId(String limiterId) { return byLimiterId.get(limiterId); }

    boolean anyLimited() { return !limits.isEmpty(); }

    void forgetLimitsWith(java.util.function.Consumer<String> forget) { this.forget = forget; }
}
