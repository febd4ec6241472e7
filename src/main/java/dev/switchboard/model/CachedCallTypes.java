package dev.switchboard.model;

import java.util.Set;

/**
 * LiteLLM's names ({@code cache_params.supported_call_types}) for the calls Switchboard's response cache answers: chat
 * completions, Anthropic's messages and the Responses API (one cache serves all three dialects, streamed or not). The
 * config reader warns about the other names (embeddings, transcriptions, text completions: never cached here), and the
 * cache's settings read whether the list turns chat caching on: one list for both.
 */
public final class CachedCallTypes {
    private CachedCallTypes() {}

    public static final Set<String> ANSWERED = Set.of("completion", "acompletion", "anthropic_messages", "responses", "aresponses");
}
