package dev.switchboard.model;

/**
 * An Anthropic {@code document} given to a provider as text (a plain-text document to an OpenAI-style provider, whose
 * file parts take PDFs only; a document of content blocks to any provider but Claude): a first line naming it, with its
 * {@code title} and {@code context} when it has them, then the text, so the model still tells the document from the
 * question around it. One wording for the edge's and the providers' translations.
 */
public final class DocumentText {
    private DocumentText() {}

    /** {@code Document: <title> (<context>)}, each part only when given. */
    public static String header(String title, String context) {
        StringBuilder h = new StringBuilder("Document");
        if (title != null && !title.isBlank()) h.append(": ").append(title);
        if (context != null && !context.isBlank()) h.append(" (").append(context).append(')');
        return h.toString();
    }

    /** The header line, a blank line, then the document's text. */
    public static String of(String title, String context, String text) {
        return header(title, context) + "\n\n" + text;
    }
}
