-- Stored Responses-API answers (POST /v1/responses with store: true, the default), so that a later request's
-- previous_response_id can be rebuilt into a whole conversation for providers that keep no state, and so that
-- GET / DELETE /v1/responses/{id} work. `key_id` is the caller that created it (a virtual key's key_id, `master`
-- or `anonymous`): only that caller can read, continue or delete it. `body` is the Response object as answered
-- (JSON); `conversation` the items the next turn continues from: every earlier input and output item, this
-- request's input and this response's output (JSON array, instructions excluded as OpenAI does).
-- Rows past `expires_at` (epoch ms; the retention setting) are never read and are purged in the background.
CREATE TABLE responses (
    response_id   VARCHAR(64)  NOT NULL PRIMARY KEY,
    key_id        VARCHAR(64)  NOT NULL,
    created_at    BIGINT       NOT NULL,
    expires_at    BIGINT       NOT NULL,
    body          TEXT         NOT NULL,
    conversation  TEXT         NOT NULL
);
CREATE INDEX responses_expires ON responses (expires_at);
