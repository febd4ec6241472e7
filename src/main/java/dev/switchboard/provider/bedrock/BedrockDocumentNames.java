package dev.switchboard.provider.bedrock;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The document names of one Converse request. Converse refuses a request in which two documents share a name ("Messages
 * can't contain duplicate document names"), wherever they are: in different turns, or inside tool results; and a name
 * may hold only letters, digits, single spaces, hyphens, parentheses and square brackets, 1 to 200 characters. So a
 * document is named after its file (without the extension, reduced to those characters), an untitled one
 * "document N" (N counting the request's untitled documents), and a name already given in the request gets " (2)",
 * " (3)", … ({@code report.pdf} and {@code report.docx} become "report" and "report (2)"). Names follow only the
 * request's order, so a conversation's earlier documents keep theirs from one turn to the next, and with them the
 * prompt a cache point caches. Taken names are compared without case: nothing says Converse tells "Report" from
 * "report", and a suffix costs nothing.
 */
final class BedrockDocumentNames {
    /** Converse's longest name, less room for a suffix. */
    private static final int MAX_BASE = 190;

    private final Set<String> taken = new HashSet<>();
    private int untitled;

    /** The next document's name, unique in this request. */
    String next(String filename) {
        String base = clean(filename);
        if (base.isEmpty()) base = "document " + ++untitled;
        String name = base;
        for (int n = 2; !taken.add(name.toLowerCase(Locale.ROOT)); n++) name = base + " (" + n + ")";
        return name;
    }

    /** The file name without its extension, reduced to Converse's characters; empty when nothing is left. */
    static String clean(String filename) {
        String base = filename == null ? "" : filename.replaceFirst("\\.[A-Za-z0-9]{1,5}$", "");
        String clean = base.replaceAll("[^A-Za-z0-9\\s\\-()\\[\\]]", " ").replaceAll("\\s+", " ").trim();
        return clean.length() <= MAX_BASE ? clean : clean.substring(0, MAX_BASE).trim();
    }
}
