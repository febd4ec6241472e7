package dev.switchboard.govern;

/**
 * Where budget alerts go (the webhook sender). Called on the request path, where a call settles or is refused: it must
 * only queue the alert, never wait.
 */
@FunctionalInterface
public interface BudgetAlertSink {
    BudgetAlertSink NONE = a -> {};

    void alert(BudgetAlert alert);
}
