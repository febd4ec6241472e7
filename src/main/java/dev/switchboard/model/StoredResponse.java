package dev.switchboard.model;

/**
 * One stored answer of OpenAI's Responses API, as the gateway keeps it for {@code previous_response_id} and
 * {@code GET /v1/responses/{id}}. The JSON stays text here: only the Responses dialect reads it.
 *
 * @param id           {@code resp_…}
 * @param owner        the caller that created it ({@link Caller#id()}); nobody else sees it
 * @param createdAt    epoch milliseconds
 * @param expiresAt    epoch milliseconds after which it is gone (the retention setting)
 * @param body         the Response object as it was answered
 * @param conversation the items a next turn continues from (a JSON array: earlier turns, this input, this output)
 */
public record StoredResponse(String id, String owner, long createdAt, long expiresAt, String body, String conversation) {}
