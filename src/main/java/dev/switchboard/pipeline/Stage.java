package dev.switchboard.pipeline;

/**
 * One step of DESIGN's request path (govern → cache → route → account → observe). A stage wraps the
 * handler after it: it may answer itself (a cache hit, a budget refusal), change the request, or observe
 * the answer (wrapping a {@link dev.switchboard.model.ChatStream} to see its chunks and usage).
 */
public interface Stage {
    ChatHandler wrap(ChatHandler next);
}
