package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Background responses across gateways on one database: the gateway running one says so in the table every beat, so a
 * cancel through another gateway stops its call at the next beat, and a response whose gateway went silent (crashed)
 * ends failed when read instead of staying in progress for ever. The beat is shortened to 200-400 ms here (system property
 * {@code switchboard.responses.runner_beat_ms}, read when a gateway starts; the lease is six beats).
 */
class BackgroundRunnersIT {
    private static final String BEAT = "switchboard.responses.runner_beat_ms";

    private static final String DELETIONS = "switchboard.responses.deletions_poll_ms";

    @AfterEach
    void restore() {
        System.clearProperty(BEAT);
        System.clearProperty(DELETIONS);
    }

    private static String config(String db) {
        return TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  database_path: "%s"
                """.formatted(db);
    }

    private static String startBackground(TestGateway gw) {
        HttpResponse<String> r = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, """
                {"model":"gpt","input":"slow","background":true}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getString("id");
    }

    private static JsonObject read(TestGateway gw, String id) {
        HttpResponse<String> r = Http.get(gw.v1() + "/responses/" + id, TestGateway.MASTER_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        OpenAiSchemas.assertValid("Response", r.body());
        return new JsonObject(r.body());
    }

    @Test
    void aCancelThroughAnotherGatewayStopsTheCallWhereItRuns() {
        System.setProperty(BEAT, "400"); // a lease of 2.4 s: a slow CI machine never takes the runner for gone here
        String db = TestGateway.tempDatabase();
        try (TestGateway runner = TestGateway.start(config(db)); TestGateway other = TestGateway.start(config(db))) {
            runner.simulator.behaveAlways("gpt-4o-mini", SimBehaviour.slowFirstByte(8_000));
            String id = startBackground(runner);
            await().atMost(Duration.ofSeconds(3)).until(() -> runner.simulator.arrivals() == 1);
            assertThat(read(other, id).getString("status")).as("the runner beats: not taken for lost").isEqualTo("in_progress");
            HttpResponse<String> deleted = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(other.v1() + "/responses/" + id))
                    .header("authorization", "Bearer " + TestGateway.MASTER_KEY).DELETE().build());
            assertThat(deleted.statusCode()).as("running on the other gateway: " + deleted.body()).isEqualTo(400);
            assertThat(new JsonObject(deleted.body()).getJsonObject("error").getString("message"))
                    .isEqualTo("Cannot delete an in-flight response.");
            HttpResponse<String> cancelled = Http.post(other.v1() + "/responses/" + id + "/cancel", TestGateway.MASTER_KEY, "");
            assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
            assertThat(new JsonObject(cancelled.body()).getString("status")).isEqualTo("cancelled");
            assertThat(read(runner, id).getString("status")).as("read from the table: cancelled at once").isEqualTo("cancelled");
            // the runner sees it at its next beat and stops the call, long before the upstream's 8 s answer
            await().atMost(Duration.ofSeconds(3)).until(() -> runner.gateway.backgroundResponsesRunning() == 0);
            assertThat(read(runner, id).getString("status")).isEqualTo("cancelled");
            assertThat(read(other, id).getString("status")).isEqualTo("cancelled");
            assertThat(read(other, id).getJsonArray("output")).isEmpty();
        }
    }

    /** A response deleted through one gateway is gone on the other too, whose memory held it. */
    @Test
    void aDeleteThroughOneGatewayIsSeenByTheOther() {
        String db = TestGateway.tempDatabase();
        try (TestGateway creator = TestGateway.start(config(db)); TestGateway other = TestGateway.start(config(db))) {
            HttpResponse<String> r = Http.post(creator.v1() + "/responses", TestGateway.MASTER_KEY, """
                    {"model":"gpt","input":"my secret"}""");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            String id = new JsonObject(r.body()).getString("id");
            assertThat(read(creator, id).getString("status")).isEqualTo("completed");
            HttpResponse<String> deleted = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(other.v1() + "/responses/" + id))
                    .header("authorization", "Bearer " + TestGateway.MASTER_KEY).DELETE().build());
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
            assertThat(Http.get(creator.v1() + "/responses/" + id, TestGateway.MASTER_KEY).statusCode()).isEqualTo(404);
            HttpResponse<String> continued = Http.post(creator.v1() + "/responses", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"input\":\"more\",\"previous_response_id\":\"" + id + "\"}");
            assertThat(continued.statusCode()).as("its memory copy went with the read: " + continued.body()).isEqualTo(404);
        }
    }

    /**
     * The tool loop's reads (previous_response_id, item_reference) take the memory copy without a row: a delete through
     * another gateway reaches that memory too, within a look at the table's deletions, without anything read here first.
     */
    @Test
    void aDeleteThroughOneGatewayEndsTheConversationOnTheOtherWithoutARead() {
        System.setProperty(DELETIONS, "200");
        String db = TestGateway.tempDatabase();
        try (TestGateway creator = TestGateway.start(config(db)); TestGateway other = TestGateway.start(config(db))) {
            HttpResponse<String> r = Http.post(creator.v1() + "/responses", TestGateway.MASTER_KEY, """
                    {"model":"gpt","input":"my secret"}""");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonObject first = new JsonObject(r.body());
            String id = first.getString("id");
            String itemId = first.getJsonArray("output").getJsonObject(0).getString("id");
            // not stored: a continuation stored before the deletion reached this gateway would hold the item itself
            String next = "{\"model\":\"gpt\",\"input\":\"more\",\"store\":false,\"previous_response_id\":\"" + id + "\"}";
            String byItem = "{\"model\":\"gpt\",\"input\":[{\"type\":\"item_reference\",\"id\":\"" + itemId + "\"},"
                    + "{\"role\":\"user\",\"content\":\"and?\"}],\"store\":false}";
            assertThat(Http.post(creator.v1() + "/responses", TestGateway.MASTER_KEY, byItem).statusCode()).isEqualTo(200);
            HttpResponse<String> deleted = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(other.v1() + "/responses/" + id))
                    .header("authorization", "Bearer " + TestGateway.MASTER_KEY).DELETE().build());
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> Http.post(creator.v1() + "/responses", TestGateway.MASTER_KEY, next)
                    .statusCode() == 404);
            HttpResponse<String> referenced = Http.post(creator.v1() + "/responses", TestGateway.MASTER_KEY, byItem);
            assertThat(referenced.statusCode()).as("its output items went with it: " + referenced.body()).isEqualTo(404);
        }
    }

    /** A response deleted through the gateway that holds it: its output items can no longer be referenced either. */
    @Test
    void aDeletedResponsesItemsAreGoneToo() {
        String db = TestGateway.tempDatabase();
        try (TestGateway gw = TestGateway.start(config(db))) {
            JsonObject first = new JsonObject(Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, """
                    {"model":"gpt","input":"remember this"}""").body());
            String itemId = first.getJsonArray("output").getJsonObject(0).getString("id");
            String byItem = "{\"model\":\"gpt\",\"input\":[{\"type\":\"item_reference\",\"id\":\"" + itemId + "\"}],\"store\":false}";
            assertThat(Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, byItem).statusCode()).isEqualTo(200);
            HttpResponse<String> deleted = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.v1() + "/responses/"
                    + first.getString("id"))).header("authorization", "Bearer " + TestGateway.MASTER_KEY).DELETE().build());
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
            assertThat(Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, byItem).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aResponseWhoseGatewayWentSilentEndsFailedWhenReadAndItsLateEndDoesNotUndoThat() {
        String db = TestGateway.tempDatabase();
        System.setProperty(BEAT, "600000"); // the runner says it runs once, when it starts: then silent, as if it had crashed
        try (TestGateway runner = TestGateway.start(config(db))) {
            System.setProperty(BEAT, "200"); // the reader takes a runner silent for 1.2 s for gone
            try (TestGateway reader = TestGateway.start(config(db))) {
                runner.simulator.behaveAlways("gpt-4o-mini", SimBehaviour.slowFirstByte(3_000));
                String id = startBackground(runner);
                await().atMost(Duration.ofSeconds(3)).until(() -> runner.simulator.arrivals() == 1);
                assertThat(read(reader, id).getString("status")).as("within the lease").isEqualTo("in_progress");
                await().pollDelay(Duration.ofMillis(1_300)).atMost(Duration.ofSeconds(3))
                        .until(() -> read(reader, id).getString("status").equals("failed"));
                JsonObject failed = read(reader, id);
                assertThat(failed.getJsonObject("error").getString("message")).contains("crashed or lost the database");
                assertThat(failed.getBoolean("background")).isTrue();
                // the runner's own end comes later: the first end written stays, and the runner reads it too
                await().atMost(Duration.ofSeconds(6)).until(() -> runner.gateway.backgroundResponsesRunning() == 0);
                await().atMost(Duration.ofSeconds(2)).until(() -> read(runner, id).getString("status").equals("failed"));
                assertThat(read(reader, id).getString("status")).isEqualTo("failed");
            }
        }
    }
}
