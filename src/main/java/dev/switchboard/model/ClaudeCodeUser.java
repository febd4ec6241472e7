package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The end user in Claude Code's {@code metadata.user_id}, which it sends on every call and which names its session as
 * well: the older string {@code user_<64 hex>_account_<account uuid or nothing>_session_<uuid>}, and since 2.1 (2.1.197
 * sends it) a JSON object of ids as a string, {@code {"device_id":"<64 hex>","account_uuid":"<uuid or "">",
 * "session_id":"<uuid>"}}. Counted whole, every session would be a new end user (with a budget of its own); the stable
 * part is the installation's id and the signed-in account: {@code user_<device id>_account_<account uuid>}, or
 * {@code user_<device id>} without an account, the same for both forms, so an end user stays one across Claude Code
 * versions. Any other value is left as it is.
 */
public final class ClaudeCodeUser {
    private static final Pattern OLDER = Pattern.compile("user_([0-9a-f]{64})_account_([0-9a-fA-F-]*)_session_[0-9a-fA-F-]+");
    private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern UUID_OR_EMPTY = Pattern.compile("[0-9a-fA-F-]*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClaudeCodeUser() {}

    /** The stable end user of a Claude Code {@code user_id}, or {@code userId} itself when it is not one. */
    public static String stable(String userId) {
        if (userId == null || userId.length() < 64) return userId;
        if (userId.startsWith("user_")) {
            Matcher m = OLDER.matcher(userId);
            return m.matches() ? of(m.group(1), m.group(2)) : userId;
        }
        if (!userId.startsWith("{") || !userId.contains("\"device_id\"") || !userId.contains("\"session_id\"")) return userId;
        try {
            JsonNode ids = JSON.readTree(userId);
            JsonNode device = ids.get("device_id"), account = ids.get("account_uuid");
            if (!ids.isObject() || device == null || !device.isTextual() || !HEX_ID.matcher(device.textValue()).matches()) return userId;
            if (account != null && !(account.isTextual() && UUID_OR_EMPTY.matcher(account.textValue()).matches())) return userId;
            return of(device.textValue(), account == null ? "" : account.textValue());
        } catch (java.io.IOException e) {
            return userId;
        }
    }

    private static String of(String device, String account) {
        return account.isEmpty() ? "user_" + device : "user_" + device + "_account_" + account;
    }
}
