package dev.switchboard.account;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ContentPart;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Upper estimates of what non-text parts cost in prompt tokens, without decoding images or audio. These feed the
 * worst case a budget reserves; the real count comes back in the answer's usage.
 */
final class MediaTokens {

    /**
     * One image, any provider. OpenAI's high detail tops out at 1,445 tokens on gpt-4o-class models (85 + 170 per
     * 512-px tile, at most 8 tiles after scaling to 2048 then 768 px); Anthropic counts width×height/750, about
     * 1,600 at the largest size it takes without resizing (~1.15 megapixels); Gemini 3 charges at most 1,120 per
     * image at high media resolution. Not covered: Gemini 2.x tiling a very large image (258 per 768-px tile) and
     * gpt-4o-mini, whose image tokens are multiplied ~33× to keep its image price equal to gpt-4o's.
     */
    static final int IMAGE = 1_600;

    /**
     * A PDF page: Anthropic's documented upper figure (text plus an image of each page, 1,500-3,000 tokens a page);
     * OpenAI also sends text and page images, Gemini charges 258 a page. Also the floor for a file we cannot size.
     */
    static final int PDF_PAGE = 3_000;

    /** Bytes per token of a text file: o200k averages ~4 characters a token in English; 3 leaves room. */
    static final int TEXT_BYTES_PER_TOKEN = 3;

    /**
     * Audio: Gemini's 32 tokens a second (the highest documented rate; OpenAI's is lower). Seconds from the size at
     * the lowest common rates, so the estimate is high: PCM/WAV at 16,000 bytes a second (8 kHz, 16-bit, mono),
     * compressed formats at 2,000 bytes a second (16 kbit/s speech).
     */
    static final int AUDIO_TOKENS_PER_SECOND = 32;

    private static final Pattern PAGE_OBJECT = Pattern.compile("/Type\\s*/Page(?![A-Za-z])");
    private static final Pattern PAGE_COUNT = Pattern.compile("/Count\\s+(\\d{1,6})");

    private MediaTokens() {}

    static int file(ContentPart.File f) {
        return f.fileData() == null ? PDF_PAGE : dataUrl(f.fileData());
    }

    static int audio(ContentPart.Audio a) {
        long bytes = base64Bytes(a.data() == null ? "" : a.data());
        String format = a.format() == null ? "" : a.format().toLowerCase(Locale.ROOT);
        long perSecond = format.equals("wav") || format.startsWith("pcm") ? 16_000 : 2_000;
        return saturate(Math.ceilDiv(bytes, perSecond) * AUDIO_TOKENS_PER_SECOND);
    }

    /** A block we do not model (an Anthropic image or document block written by the client), or -1 if not media. */
    static int otherBlock(ContentPart.Other o) {
        if ("image".equals(o.type())) return IMAGE;
        if (!"document".equals(o.type()) || o.raw() == null) return -1;
        JsonNode source = o.raw().path("source");
        if ("base64".equals(source.path("type").asText())) {
            return forMediaType(source.path("media_type").asText(), source.path("data").asText(), true);
        }
        return -1; // text and content sources are counted as text; URL and file sources are counted as the JSON text
    }

    /** A {@code data:} URL's estimate from its media type and size. */
    static int dataUrl(String url) {
        int comma = url.indexOf(',');
        if (!url.startsWith("data:") || comma < 0) return PDF_PAGE;
        String meta = url.substring(5, comma).toLowerCase(Locale.ROOT);
        boolean base64 = meta.endsWith(";base64");
        String type = base64 ? meta.substring(0, meta.length() - 7) : meta;
        return forMediaType(type, url.substring(comma + 1), base64);
    }

    private static int forMediaType(String mediaType, String payload, boolean base64) {
        if (mediaType.startsWith("image/")) return IMAGE;
        long bytes = base64 ? base64Bytes(payload) : payload.length();
        if (mediaType.equals("application/pdf") && base64) return pdf(payload, bytes);
        return saturate(Math.max(1, Math.ceilDiv(bytes, TEXT_BYTES_PER_TOKEN)));
    }

    /**
     * Pages from the PDF's page objects or its page tree's /Count, whichever is larger; a PDF that keeps them in
     * compressed object streams shows neither and falls back to its size read as text (high for scans, but a
     * reservation that is too high is returned, one that is too low is overspent).
     */
    private static int pdf(String base64, long bytes) {
        String text;
        try {
            text = new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.ISO_8859_1);
        } catch (IllegalArgumentException e) {
            return saturate(Math.ceilDiv(bytes, TEXT_BYTES_PER_TOKEN));
        }
        long pages = 0;
        for (Matcher m = PAGE_OBJECT.matcher(text); m.find(); ) pages++;
        for (Matcher m = PAGE_COUNT.matcher(text); m.find(); ) pages = Math.max(pages, Long.parseLong(m.group(1)));
        return pages > 0 ? saturate(pages * PDF_PAGE) : saturate(Math.max(PDF_PAGE, Math.ceilDiv(bytes, TEXT_BYTES_PER_TOKEN)));
    }

    private static long base64Bytes(String payload) {
        return Math.ceilDiv(payload.length() * 3L, 4L); // an upper bound: padding and line breaks only make it smaller
    }

    private static int saturate(long n) { return (int) Math.min(n, Integer.MAX_VALUE / 4); }
}
