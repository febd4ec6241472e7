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

    /** A background response's end replaces its row (body and conversation), for its owner only. */
    @Test
    void anUpdateReplacesTheOwnersRow() {
        Database db = open();
        try {
            ResponseRows rows = new ResponseRows(db);
            rows.insert(new StoredResponse("resp_u", "key_a", 1_000, 10_000, "{\"status\":\"in_progress\"}", "[]"));
            rows.update(new StoredResponse("resp_u", "key_b", 1_000, 10_000, "{\"status\":\"cancelled\"}", "[]"));
            assertThat(rows.find("resp_u", "key_a", 5_000).body()).as("another owner changes nothing").contains("in_progress");
            rows.update(new StoredResponse("resp_u", "key_a", 1_000, 10_000, "{\"status\":\"completed\"}", "[{\"id\":\"msg\"}]"));
            StoredResponse r = rows.find("resp_u", "key_a", 5_000);
            assertThat(r.body()).contains("completed");
            assertThat(r.conversation()).contains("msg");
            rows.update(new StoredResponse("resp_none", "key_a", 1_000, 10_000, "{}", "[]")); // no row: no change, no error
            assertThat(rows.find("resp_none", "key_a", 5_000)).isNull();
        } finally {
            db.close();
        }
    }
}
