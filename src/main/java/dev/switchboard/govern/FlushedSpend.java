package dev.switchboard.govern;

/**
 * One ledger row the ledger's writer has committed, as the shared budgets need it ({@link Governance#credit}): whose
 * it is, when it ended (which period it counts in) and what it cost.
 *
 * @param keyId   null for a call without a virtual key
 * @param endUser the end user it named (as the ledger holds it), or null
 * @param team    the team it counts for ({@link Admission#team()}, the row's {@code team_id}), or null
 * @param user    the user whose own budget it counts for ({@link Users#countedFor}: its {@code user:} tag, when it
 *                counts for no team), or null
 * @param member  the member of {@code team} it counts for ({@link TeamMember#id}: its {@code user:} tag, when it counts
 *                for a team), or null
 */
public record FlushedSpend(String keyId, String endUser, String team, String user, String member, long endedAt, long costNanos) {
    public FlushedSpend(String keyId, String endUser, long endedAt, long costNanos) {
        this(keyId, endUser, null, null, null, endedAt, costNanos);
    }

    /** @param tags the row's tags: its {@code user:} tag names the user (a key's user_id) */
    public static FlushedSpend of(String keyId, String endUser, String team, java.util.List<String> tags, long endedAt, long costNanos) {
        String member = team == null ? null : Users.countedFor(null, tags);
        return new FlushedSpend(keyId, endUser, team, Users.countedFor(team, tags), member == null ? null : TeamMember.id(team, member),
                endedAt, costNanos);
    }
}
