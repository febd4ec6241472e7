package dev.switchboard.provider.azure;

import io.vertx.core.Future;

/**
 * The credential an Azure deployment's requests carry: a key in {@code api-key}, or an Entra ID token as
 * {@code Authorization: Bearer}. Fixed credentials are ready at once; Entra client credentials may first need a
 * token from the authority, fetched off the event loop ({@link EntraTokens}).
 */
interface AzureAuth {
    /** The header to send with the next request. */
    Future<Header> header();

    /** The credential now in use, to keep out of error text; null when there is none yet. */
    String current();

    record Header(String name, String value) {}

    /** A key or token that never changes. */
    static AzureAuth fixed(String name, String value) {
        Future<Header> h = Future.succeededFuture(new Header(name, value));
        String secret = value.startsWith("Bearer ") ? value.substring(7) : value;
        return new AzureAuth() {
            @Override public Future<Header> header() { return h; }
            @Override public String current() { return secret; }
        };
    }
}
