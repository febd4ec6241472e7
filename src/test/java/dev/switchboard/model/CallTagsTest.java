package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallTagsTest {
    @Test
    void identityTagsAreFoundInEveryFormThatReadsTheSame() {
        for (String t : List.of("team:red", "Team:Red", "user:bob", "org:acme", "end_user:x", "team :red", " team: red", "t eam:red",
                "t\u0435am:red" /* Cyrillic e */, "\u043erg:acme" /* Cyrillic o */, "\u0442\u0435\u0430m:red" /* three Cyrillic */,
                "team\u2236red" /* ratio sign */, "team\ua789red", "\uff54eam:red", "team\u200b:red", "\u00a0team:red", "team\uff1ared")) {
            assertThat(CallTags.identity(t)).as(t).isTrue();
        }
    }

    @Test
    void otherTagsAreNot() {
        for (String t : List.of("nightly", "team", "teams:red", "my team:red", "teamster:x", "team-red", "t3am:red", "te_am:red",
                "équipe:rouge", "用户:bob", "end-user:x", "tea:red", "t\u00e9amx:red")) {
            assertThat(CallTags.identity(t)).as(t).isFalse();
        }
    }
}
