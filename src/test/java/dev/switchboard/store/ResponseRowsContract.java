package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.StoredResponse;
import org.junit.jupiter.api.Test;

/** The stored responses' table: an item found by its id in the owner's unexpired conversations, on both databases. */
abstract class ResponseRowsContract {
    abstract Database open();

    @Test
    void anItemIsFoundByItsIdInTheNewestConversationOfItsOwnerOnly() {
        Database db = open();
        try {
            ResponseRows rows = new ResponseRows(db);
            rows.insert(new StoredResponse("resp_1", "key_a", 1_000, 10_000, "{}",
                    "[{\"role\":\"user\",\"content\":\"hi\"},{\"id\":\"fc_x_1\",\"type\":\"function_call\",\"name\":\"f\"}]"));
            rows.insert(new StoredResponse("resp_2", "key_a", 2_000, 10_000, "{}",
                    "[{\"id\":\"fc_x_1\",\"type\":\"function_call\",\"name\":\"f\"},{\"id\":\"msg_2\",\"type\":\"message\"}]"));
            rows.insert(new StoredResponse("resp_3", "key_b", 3_000, 10_000, "{}", "[{\"id\":\"msg_b\",\"type\":\"message\"}]"));
            assertThat(rows.conversationWithItem("fc_x_1", "key_a", 5_000)).as("the newest holding it").contains("msg_2");
            assertThat(rows.conversationWithItem("msg_b", "key_a", 5_000)).as("another owner's").isNull();
            assertThat(rows.conversationWithItem("fc_x_1", "key_a", 20_000)).as("expired").isNull();
            assertThat(rows.conversationWithItem("fc_x%", "key_a", 5_000)).as("LIKE's own characters match only themselves").isNull();
        } finally {
            db.close();
        }
    }

    /**
     * A delete is written down for the other gateways on the database, once, with the time it happened: a look from a
     * time on finds it, a look from after it does not, and deletions older than the kept age are purged.
     */
    @Test
    void aDeletionIsWrittenDownForTheOtherGateways() {
        Database db = open();
        try {
            ResponseRows rows = new ResponseRows(db, false); // the times given here, not the server's clock
            rows.insert(new StoredResponse("resp_del", "key_a", 1_000, 100_000, "{}", "[]"));
            rows.insert(new StoredResponse("resp_kept", "key_a", 1_000, 100_000, "{}", "[]"));
            assertThat(rows.delete("resp_del", "key_b", 5_000)).as("another owner's: nothing deleted").isFalse();
            assertThat(rows.deletedSince(0, 5_000).ids()).isEmpty();
            assertThat(rows.delete("resp_del", "key_a", 5_000)).isTrue();
            assertThat(rows.delete("resp_del", "key_a", 6_000)).as("once").isFalse();
            ResponseRows.Deletions seen = rows.deletedSince(4_000, 7_000);
            assertThat(seen.ids()).containsExactly("resp_del");
            assertThat(seen.readAt()).isEqualTo(7_000);
            assertThat(rows.deletedSince(5_001, 7_000).ids()).isEmpty();
            assertThat(rows.purgeDeletions(10_000, 12_000)).as("5,000 is not older than 2,000").isZero();
            assertThat(rows.purgeDeletions(10_000, 16_000)).isEqualTo(1);
            assertThat(rows.deletedSince(Long.MIN_VALUE, 16_000).ids()).isEmpty();
            assertThat(rows.find("resp_kept", "key_a", 16_000)).isNotNull();
        } finally {
            db.close();
        }
    }

    /**
     * A background response's end replaces its running row (body and conversation), for its owner only, and only once:
     * the first end written wins (a cancel through another gateway against the runner's own end).
     */
    @Test
    void theFirstEndOfARunningRowWinsForItsOwnerOnly() {
        Database db = open();
        try {
            ResponseRows rows = new ResponseRows(db);
            rows.insertRunning(new StoredResponse("resp_u", "key_a", 1_000, 10_000, "{\"status\":\"in_progress\"}", "[]"), 1_000);
            assertThat(rows.settle(new StoredResponse("resp_u", "key_b", 1_000, 10_000, "{\"status\":\"cancelled\"}", "[]")))
                    .as("another owner changes nothing").isFalse();
            assertThat(rows.find("resp_u", "key_a", 5_000).body()).contains("in_progress");
            assertThat(rows.ends(java.util.List.of("resp_u", "resp_none")).ended()).as("still running").isEmpty();
            assertThat(rows.ends(java.util.List.of("resp_u", "resp_none")).missing()).containsExactly("resp_none");
            assertThat(rows.settle(new StoredResponse("resp_u", "key_a", 1_000, 10_000, "{\"status\":\"cancelled\"}", "[]"))).isTrue();
            assertThat(rows.settle(new StoredResponse("resp_u", "key_a", 1_000, 10_000, "{\"status\":\"completed\"}",
                    "[{\"id\":\"msg\"}]"))).as("a second end").isFalse();
            StoredResponse r = rows.find("resp_u", "key_a", 5_000);
            assertThat(r.body()).contains("cancelled");
            assertThat(rows.ends(java.util.List.of("resp_u", "resp_none")).ended()).extracting(StoredResponse::body).containsExactly(r.body());
            assertThat(rows.settle(new StoredResponse("resp_none", "key_a", 1_000, 10_000, "{}", "[]"))).as("no row").isFalse();
            rows.insert(new StoredResponse("resp_sync", "key_a", 1_000, 10_000, "{\"status\":\"completed\"}", "[]"));
            assertThat(rows.settle(new StoredResponse("resp_sync", "key_a", 1_000, 10_000, "{\"status\":\"failed\"}", "[]")))
                    .as("an answer that never ran in the background has ended").isFalse();
        } finally {
            db.close();
        }
    }

    /** A runner that beats is alive; one silent for the lease is ended by a reader, once, and never after a beat. */
    @Test
    void aSilentRunnersResponseIsEndedByAReaderAndABeatKeepsItAlive() {
        Database db = open();
        try {
            ResponseRows rows = new ResponseRows(db, false); // the times given here, on both databases
            rows.insertRunning(new StoredResponse("resp_a", "key_a", 1_000, 100_000, "{\"status\":\"in_progress\"}", "[]"), 1_000);
            rows.insertRunning(new StoredResponse("resp_b", "key_a", 1_000, 100_000, "{\"status\":\"in_progress\"}", "[]"), 1_000);
            rows.beat(java.util.List.of("resp_b"), 50_000);
            assertThat(rows.findForReader("resp_a", "key_a", 70_000, 30_000).runnerSilent()).isTrue();
            assertThat(rows.findForReader("resp_b", "key_a", 70_000, 30_000).runnerSilent()).as("it beat at 50 s").isFalse();
            assertThat(rows.runningNow("resp_b", "key_a", 70_000, 30_000)).isTrue();
            assertThat(rows.runningNow("resp_a", "key_a", 70_000, 30_000)).as("silent: not running any more").isFalse();
            StoredResponse failedB = new StoredResponse("resp_b", "key_a", 1_000, 100_000, "{\"status\":\"failed\"}", "[]");
            assertThat(rows.settleIfSilent(failedB, 30_000, 70_000)).isFalse();
            StoredResponse failedA = new StoredResponse("resp_a", "key_a", 1_000, 100_000, "{\"status\":\"failed\"}", "[]");
            assertThat(rows.settleIfSilent(failedA, 30_000, 70_000)).isTrue();
            assertThat(rows.findForReader("resp_a", "key_a", 70_000, 30_000).runnerSilent()).as("ended: no runner").isFalse();
            rows.beat(java.util.List.of("resp_a"), 80_000); // a runner back after its row was ended does not revive it
            assertThat(rows.findForReader("resp_a", "key_a", 90_000, 30_000).runnerSilent()).isFalse();
            assertThat(rows.findForReader("resp_a", "key_a", 90_000, 30_000).row().body()).contains("failed");
            assertThat(rows.findForReader("resp_none", "key_a", 90_000, 30_000)).isNull();
            // a row an earlier version left running (no beat) is overwritten by a cancel, as before
            rows.insert(new StoredResponse("resp_old", "key_a", 1_000, 100_000, "{\"status\":\"in_progress\"}", "[]"));
            rows.overwrite(new StoredResponse("resp_old", "key_a", 1_000, 100_000, "{\"status\":\"cancelled\"}", "[]"));
            assertThat(rows.find("resp_old", "key_a", 90_000).body()).contains("cancelled");
        } finally {
            db.close();
        }
    }

    /** On PostgreSQL beats are stamped and judged by the database's clock: a gateway whose own clock is off changes nothing. */
    @Test
    void onPostgresTheDatabasesClockJudgesBeats() {
        Database db = open();
        try {
            if (db.kind() != Database.Kind.POSTGRESQL) return; // SQLite: one host, one clock
            ResponseRows rows = new ResponseRows(db);
            long now = System.currentTimeMillis();
            rows.insertRunning(new StoredResponse("resp_c", "key_a", now, now + 36_000_000, "{}", "[]"), now - 3_600_000); // an hour slow
            assertThat(rows.findForReader("resp_c", "key_a", now + 3_600_000, 60_000).runnerSilent())
                    .as("a reader an hour fast, the runner an hour slow: judged by the database").isFalse();
        } finally {
            db.close();
        }
    }
}
