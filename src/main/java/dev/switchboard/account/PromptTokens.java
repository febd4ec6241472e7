package dev.switchboard.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolCall;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * Prompt tokens of a canonical request counted with a real tokenizer (JTokkit's o200k_base, GPT-4o's and later
 * OpenAI models'), for the worst case a budget reserves. Text is counted exactly for OpenAI and scaled by a
 * per-family factor for providers whose tokenizers are not OpenAI's; images, files and audio get fixed or
 * size-based upper estimates ({@link MediaTokens}). Thread-safe: the encoding is immutable.
 */
public final class PromptTokens {

    /** OpenAI's chat format: ~3 tokens of framing per message (4 on older models; we take 4) and 1 per name. */
    public static final int PER_MESSAGE = 4;
    static final int PER_NAME = 1;
    /** Every reply is primed with {@code <|start|>assistant<|message|>}: 3 tokens. */
    public static final int REPLY_PRIMING = 3;
    /** Framing of a tool definition / a tool call beyond its own text, and of the tool list as a whole. */
    public static final int PER_TOOL = 8;
    static final int PER_TOOL_CALL = 4;
    static final int TOOLS_FRAME = 12;
    /**
     * The system prompt Anthropic adds when a request has tools: 346 tokens (tool_choice auto/none) or 313
     * (any/tool) on current Claude models, per Anthropic's tool-use pricing table. Added for the Claude-capable
     * families (anthropic, openrouter, unknown), unscaled since it is counted in Claude's own tokens.
     */
    static final int TOOL_USE_SYSTEM_PROMPT = 350;
    private static final double ANTHROPIC_FACTOR = 1.9;

    /**
     * The o200k tables take ~0.5 s to load: they are read once per process, on first use (a gateway without budgets
     * never pays for them), and shared, since an encoding is immutable data like the price catalog.
     */
    private static final class O200k {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }

    public PromptTokens() {}

    /**
     * Loads the o200k tables now, on a background thread, so that no request ever waits for them. They were loaded on
     * first use, and the first use of a gateway without budgets is the first call whose client leaves mid-answer (its
     * prompt is estimated for the ledger): that call loaded them on its event loop, a stall of half a second or more
     * for every request on that loop, and the tables' few hundred thousand fresh objects then lengthened the next young
     * GC pauses (docs/architecture.md, "Performance notes"). A count asked for before the load ends waits for it.
     */
    public static void preload() {
        Thread t = new Thread(() -> {
            try {
                O200k.ENCODING.countTokensOrdinary("warm");
            } catch (RuntimeException | Error e) {
                // a first count on a request will fail the same way and report it there
            }
        }, "switchboard-tokenizer-load");
        t.setDaemon(true);
        t.start();
    }

    /** Tokens of plain text (o200k_base); special-token text such as {@code <|endoftext|>} counts as ordinary text. */
    public int count(String text) {
        return text == null || text.isEmpty() ? 0 : O200k.ENCODING.countTokensOrdinary(text);
    }

    /**
     * o200k's count, but never under one token per four characters: a budget must not rest on a tokenizer matching
     * the upstream's exactly (o200k makes ~4.4 characters a token of English; servers and framings that count more
     * would otherwise overrun a reservation).
     */
    private int countWithFloor(String text) {
        return text == null || text.isEmpty() ? 0 : Math.max(count(text), (text.length() + 3) / 4);
    }

    /**
     * Estimated prompt tokens of the request as provider {@code provider} would count them: o200k_base (floored at a
     * token per four characters, {@link #countWithFloor}) over every
     * text part, tool definitions (name, description, JSON schema), tool calls (id, name, arguments), tool results,
     * the response format's schema and earlier reasoning text; OpenAI's per-message framing; then the text total
     * times the provider family's factor ({@link #factor}), plus the media estimates, which are already per provider
     * upper bounds and are not scaled, plus Anthropic's tool-use system prompt when the request has tools.
     */
    public int estimate(ChatRequest request, String provider) {
        Tally t = walk(request, this::countWithFloor, PER_MESSAGE);
        double factor = factor(provider);
        long total = (long) Math.ceil((t.text + REPLY_PRIMING) * factor) + t.media;
        if (!request.tools().isEmpty() && factor >= ANTHROPIC_FACTOR) total += TOOL_USE_SYSTEM_PROMPT;
        return (int) Math.min(total, Integer.MAX_VALUE);
    }

    /**
     * The prompt tokens as OpenAI's tokenizer counts the text (o200k_base, no floor, no provider factor) plus OpenAI's
     * framing and the media estimates: the count a context-window check compares with a window, as LiteLLM's
     * {@code token_counter} counts (where {@link #estimate} is a budget's cautious figure).
     */
    public int contextCount(ChatRequest request) {
        Tally t = walk(request, this::count, PER_MESSAGE);
        return (int) Math.min(t.text + REPLY_PRIMING + t.media, Integer.MAX_VALUE);
    }

    /**
     * An upper bound of the prompt tokens for any provider, without running a tokenizer: every byte-level BPE or
     * SentencePiece token stands for at least one UTF-8 byte, so text counts as its UTF-8 length; framing is
     * doubled (8 a message), Anthropic's tool-use system prompt is added when there are tools, media are estimated
     * as in {@link #estimate}. Linear in the request's size and allocation-free for text, so a caller can try this
     * first and tokenize only when the bound does not fit a budget.
     */
    public int upperBound(ChatRequest request) {
        Tally t = walk(request, PromptTokens::utf8Length, 2 * PER_MESSAGE);
        long total = t.text + REPLY_PRIMING + t.media + (request.tools().isEmpty() ? 0 : TOOL_USE_SYSTEM_PROMPT);
        return (int) Math.min(total, Integer.MAX_VALUE);
    }

    /**
     * The tokens a part that is not text is estimated at, wherever the gateway estimates a prompt (a budget's worst
     * case, here; {@code count_tokens} answered without the provider): an image, a file or document (a PDF by its
     * pages, a text document by its size), audio, an Anthropic image or base64 document block written by the client.
     * An upper estimate per provider, not scaled by a tokenizer factor. -1 for a text part and for a block that is not
     * media (a document by URL or file id, a block type the gateway does not model): those count as their JSON text.
     */
    public static int media(ContentPart part) {
        return switch (part) {
            case ContentPart.Text t -> -1;
            case ContentPart.Image i -> MediaTokens.IMAGE;
            case ContentPart.File f -> MediaTokens.file(f);
            case ContentPart.Audio a -> MediaTokens.audio(a);
            case ContentPart.Other o -> MediaTokens.otherBlock(o);
        };
    }

    private record Tally(long text, long media) {}

    /** Text measured by {@code measure} (tokens or bytes) with the framing constants, and the media estimates. */
    private Tally walk(ChatRequest request, ToIntFunction<String> measure, int perMessage) {
        long text = 0;
        long media = 0;
        for (Message m : request.messages()) {
            text += perMessage;
            if (m.name() != null) text += PER_NAME + measure.applyAsInt(m.name());
            text += size(measure, m.reasoning()) + size(measure, m.refusal()) + size(measure, m.toolCallId());
            for (ContentPart part : m.content()) {
                if (part instanceof ContentPart.Text t) {
                    text += size(measure, t.text());
                    continue;
                }
                int block = media(part);
                if (block >= 0) media += block + (part instanceof ContentPart.File f ? size(measure, f.filename()) : 0);
                else if (part instanceof ContentPart.Other o) text += json(measure, o.raw());
            }
            for (ToolCall call : m.toolCalls()) {
                text += PER_TOOL_CALL + size(measure, call.id()) + size(measure, call.name()) + size(measure, call.arguments());
            }
        }
        if (!request.tools().isEmpty()) {
            text += TOOLS_FRAME;
            for (Tool tool : request.tools()) {
                // a custom tool's format (a grammar can be long): the model reads it, as OpenAI's own or in the description
                text += PER_TOOL + size(measure, tool.name()) + size(measure, tool.description()) + json(measure, tool.parameters())
                        + (tool.custom() ? json(measure, tool.customFormat()) : 0);
            }
        }
        if (request.responseFormat() != null) text += json(measure, request.responseFormat().jsonSchema());
        return new Tally(text, media);
    }

    /**
     * How many tokens a provider family's tokenizer makes of text that o200k_base makes one token of, rounded up to
     * cover the content types measured (English prose, code, technical docs; not every non-Latin script):
     * <ul>
     *   <li>openai (and mock): 1.0, o200k_base is the tokenizer.</li>
     *   <li>anthropic: 1.9. Claude 3.5's tokenizer made 16% (English) to 30% (Python) more tokens than GPT-4o's
     *       (Vantage's comparison of Claude 3.5 Sonnet and GPT-4o, 2024/2025); Opus 4.7's new tokenizer makes 1.0-1.35×
     *       more again by Anthropic's migration guide, measured 1.45-1.47× on English prose and technical docs
     *       (Claude Code Camp, April 2026). 1.3 × 1.47 ≈ 1.9.</li>
     *   <li>gemini: 1.25. Gemini's SentencePiece tokenizer is unpublished; third-party counts put English 5-10% above
     *       o200k_base, code and whitespace-heavy text higher.</li>
     *   <li>openrouter and unknown providers (bedrock, vertex_ai and azure_ai among them, which serve Claude too): 1.9,
     *       the highest, since they may serve any family (Claude included).</li>
     *   <li>the OpenAI-compatible prefixes that serve no Claude (groq, deepseek, mistral, together_ai, ollama and
     *       ollama_chat, hosted_vllm, openai_compatible, lm_studio, xinference and the rest of the long tail: Llama, Qwen,
     *       DeepSeek, Mistral, Cohere, GLM, Grok tokenizers with 100-250k vocabularies, 5-15% above o200k_base on
     *       English): 1.25, without Anthropic's tool-use system prompt. Before, the long tail's prefixes, {@code ollama_chat}
     *       and {@code lm_studio} among them, fell to the unknown providers' 1.9 and +350 tokens a request with tools.</li>
     * </ul>
     */
    static double factor(String provider) {
        String p = provider == null ? "" : provider.trim().toLowerCase(Locale.ROOT);
        return switch (p) {
            case "openai", "azure", "mock" -> 1.0;
            case "anthropic", "openrouter" -> ANTHROPIC_FACTOR;
            case "gemini", "groq", "deepseek", "mistral", "together_ai", "ollama", "hosted_vllm", "openai_compatible",
                 "ollama_chat", "lm_studio", "xinference", "mistralai", "codestral", "cohere", "huggingface", "siliconflow",
                 "zhipu", "fireworks_ai", "perplexity", "xai", "cerebras", "nvidia_nim" -> 1.25;
            default -> ANTHROPIC_FACTOR;
        };
    }

    private static int size(ToIntFunction<String> measure, String text) {
        return text == null || text.isEmpty() ? 0 : measure.applyAsInt(text);
    }

    private static int json(ToIntFunction<String> measure, JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? 0 : measure.applyAsInt(node.toString());
    }

    /** UTF-8 length without encoding: 1 byte below U+0080, 2 below U+0800, 4 a surrogate pair, else 3. */
    static int utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }
}
