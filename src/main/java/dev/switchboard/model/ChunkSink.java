package dev.switchboard.model;

/**
 * Where a stream's chunks go, with backpressure. Exactly one of {@link #end()} or {@link #fail} ends it.
 * Implementations run on the caller's event loop and must not block.
 */
public interface ChunkSink {
    void chunk(ChatChunk chunk);

    /**
     * Whether this sink takes events relayed as the upstream sent them in {@code dialect} (see {@link RelayedEvent}).
     * A producer asks once, at start. Decorators answer what the sink they pass to answers; a sink that does not
     * know relayed events says no, and gets canonical chunks.
     */
    default boolean takesRelayed(String dialect) { return false; }

    /** An event relayed as sent; only called when {@link #takesRelayed} said yes. Decorators pass it on. */
    default void relayed(RelayedEvent event) { chunk(event.chunk()); }

    /**
     * Sends what the chunks so far produced, at the latest once the event loop's current round of reads is over (a
     * sink may gather the batches of several reads into one write, never holding one back for a later read).
     * Producers call it after each batch they received (one upstream read often holds many events), so the client
     * gets one write and one syscall per batch at most, not per event. Decorators must pass it on.
     */
    void flush();

    /** The stream finished cleanly. */
    void end();

    /** The stream broke after it started: the client must see an error, never a clean finish. */
    void fail(GatewayException error);

    /** True while the client is slower than the upstream; the producer should pause. */
    boolean writeQueueFull();

    /** Called once when a full queue has drained. */
    void drainHandler(Runnable onDrain);
}
