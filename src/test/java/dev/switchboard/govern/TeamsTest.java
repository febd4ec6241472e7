package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.model.Caller;
import dev.switchboard.model.GatewayException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which team governs a call: a key's stored team; among a JWT's teams, LiteLLM's choice (the token's first stored team
 * that may use the model), its 403 when some are stored and none may, and {@code enforce_team_based_model_access}.
 */
class TeamsTest {
    private static final WorstCase NOTHING = new WorstCase() {
        @Override public long boundNanos() { return 0; }
        @Override public long exactNanos() { return 0; }
    };

    private final Teams teams = new Teams(Map.of("fast-models", List.of("gpt-mini", "haiku")));
    private final Governor governor = new Governor(new KeyRegistry(true), new LocalRateLimiter(), null, () -> 0L, null, null,
            EndUsers.NONE, teams);

    private void team(String id, String... models) {
        teams.put(new Team(id, null, null, null, 0, List.of(models), null, null, false, null, 0, 0), 0);
    }

    private static Caller jwt(String... teamIds) {
        return Caller.jwt("user:alice", false, null, java.util.Arrays.stream(teamIds).map(t -> "team:" + t).toList(), null);
    }

    private void admit(Caller c, String model) {
        governor.admit(c, null, List.of(model), NOTHING, () -> 0).release();
    }

    @Test
    void labelsAndTheGoverningTeam() {
        assertThat(Teams.labels(List.of("prod", "team:a", "user:x", "team:b"))).containsExactly("a", "b");
        assertThat(Teams.labels(List.of("prod"))).isEmpty();
        team("b", "gpt");
        team("c", "fast-models");
        assertThat(teams.governing(List.of("a", "b", "c"), List.of("haiku"), false)).as("a key's: the first stored").isEqualTo("b");
        assertThat(teams.governing(List.of("a", "b", "c"), List.of("haiku"), true)).as("a JWT's: the first that may").isEqualTo("c");
        assertThat(teams.governing(List.of("a", "b", "c"), List.of("claude"), true)).isNull();
        assertThat(teams.governing(List.of("a"), List.of("gpt"), false)).as("a label only").isNull();
        team("all", "all-proxy-models");
        assertThat(teams.allowlist("all").allows("anything")).isTrue();
    }

    @Test
    void aJwtIsGovernedByItsFirstTeamThatMayUseTheModel() {
        team("research", "gpt");
        team("design", "claude");
        admit(jwt("unstored", "research", "design"), "gpt");
        admit(jwt("unstored", "research", "design"), "claude");
        assertThat(governor.teamAllows(jwt("research", "design"), "claude")).isTrue();
        assertThat(governor.teamAllows(jwt("research", "design"), "gemini")).isFalse();
        assertThatThrownBy(() -> admit(jwt("unstored", "research", "design"), "gemini"))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("No team has access to the requested model: gemini. Checked teams=['unstored', 'research', 'design'].")
                .extracting(e -> ((GatewayException) e).status()).isEqualTo(403);
        // a token none of whose teams is stored is held to no team's models (labels only), unless enforced
        admit(jwt("unstored"), "gemini");
        admit(jwt(), "gemini");
        governor.enforceTeamModels(true);
        assertThatThrownBy(() -> admit(jwt("unstored"), "gemini")).hasMessageContaining("No team has access to the requested model: gemini");
        assertThatThrownBy(() -> admit(jwt(), "gpt")).hasMessageContaining("No teams found in token. `enforce_team_based_model_access` is set to True.");
        admit(jwt("research"), "gpt");
        // the master key is no JWT: the flag is not about it
        admit(Caller.MASTER, "gemini");
    }

    @Test
    void aBlockedTeamRefusesItsCallersAndAnUnblockedOneLetsThemIn() {
        teams.put(new Team("ops", null, null, null, 0, List.of(), null, null, true, null, 0, 0), 0);
        assertThatThrownBy(() -> admit(jwt("ops"), "gpt")).hasMessageContaining("Team=ops is blocked.")
                .extracting(e -> ((GatewayException) e).status()).isEqualTo(401);
        teams.put(new Team("ops", null, null, null, 0, List.of(), null, null, false, null, 0, 1), 1);
        admit(jwt("ops"), "gpt");
        teams.remove("ops", 2);
        assertThat(teams.active()).isFalse();
    }

    @Test
    void aCallCountsForTheTeamThatGovernedItElseItsFirstLabelAndAdminsForNone() {
        team("research", "gpt");
        team("design", "claude");
        assertThat(countsFor(jwt("unstored", "research", "design"), "claude")).isEqualTo("design");
        assertThat(countsFor(jwt("unstored", "research"), "gpt")).isEqualTo("research");
        assertThat(countsFor(jwt("first-label", "second-label"), "gpt")).as("no stored team: the first label").isEqualTo("first-label");
        assertThat(countsFor(jwt(), "gpt")).isNull();
        // admins (the master key, an admin token, the gateway's own calls) pass before any team check, as in LiteLLM
        Caller adminToken = Caller.jwt("user:root", true, null, List.of("team:research"), null);
        assertThat(countsFor(adminToken, "gemini")).isNull();
        governor.enforceTeamModels(true);
        assertThat(countsFor(adminToken, "gemini")).isNull();
        assertThat(countsFor(Caller.MASTER, "gemini")).isNull();
        // a fallback stays inside the models of the team the call was admitted under, not another of the token's
        assertThat(governor.teamAllows(jwt("research", "design"), "claude", "research")).isFalse();
        assertThat(governor.teamAllows(jwt("research", "design"), "claude", "design")).isTrue();
    }

    private String countsFor(Caller c, String model) {
        Admission a = governor.admit(c, null, List.of(model), NOTHING, () -> 0);
        a.release();
        return a.team();
    }
}
