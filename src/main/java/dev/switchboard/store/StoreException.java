package dev.switchboard.store;

/**
 * The store cannot be opened or used. The message names the database (path, or URL without its password) and
 * the fix, so {@code serve} can print it instead of a stack trace.
 */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
