package dev.switchboard.cli;

import dev.switchboard.pipeline.CacheEvaluation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard cache}: the response cache's offline tools. */
@Command(name = "cache", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "The response cache's offline tools.", subcommands = {CacheCommand.Eval.class, CacheCommand.Bench.class})
final class CacheCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** As {@code keys}: without a subcommand, the message, the usage and exit 2 (it printed the usage and exited 0). */
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand: eval or bench.");
    }

    /** {@code switchboard cache eval --pairs FILE.jsonl}: the semantic cache's precision and false hits on labeled pairs. */
    @Command(name = "eval", mixinStandardHelpOptions = true, version = Main.VERSION,
            description = {"Precision, recall, F1 and false-hit rate of the semantic cache per threshold (0.80 … 0.99) on labeled "
                    + "question pairs, what each guard adds, and last the shipped default configuration.",
                    "FILE.jsonl: one {\"a\": \"…\", \"b\": \"…\", \"duplicate\": true|false} a line (Quora Question Pairs' shape)."})
    static final class Eval implements Callable<Integer> {
        @Option(names = "--pairs", required = true, paramLabel = "FILE.jsonl", description = "The labeled pairs.")
        Path pairs;
        @Option(names = "--embedder", paramLabel = "NAME", description = "An in-process embedder (default: the shipped default).")
        String embedder;
        @Option(names = "--verify", description = "Also grey-zone verification, with each pair's label standing in for the verifier model.")
        boolean verify;
        @Option(names = "--max-false-hit-rate", paramLabel = "D",
                description = "Also the online mode (thresholds learned from verification) over the pairs as a stream; prints the realised rate.")
        Double maxFalseHitRate;
        @Option(names = "--limit", paramLabel = "N", converter = OptionValues.AtLeastOne.class, description = "Only the first N pairs (1 or more).")
        Integer limit;

        @Override
        public Integer call() throws Exception {
            String name = embedder == null ? CacheEvaluation.defaultEmbedder() : embedder;
            if (!CacheEvaluation.embedders().contains(name)) {
                System.err.println("switchboard cache eval: unknown embedder '" + name + "'; known: " + CacheEvaluation.embedders());
                return 2;
            }
            if (maxFalseHitRate != null && (maxFalseHitRate <= 0 || maxFalseHitRate >= 0.5)) {
                System.err.println("switchboard cache eval: --max-false-hit-rate must be more than 0 and below 0.5");
                return 2;
            }
            CacheEvaluation.Pairs all = readPairs("eval", pairs);
            if (all == null) return 2;
            CacheEvaluation.Pairs use = limit == null ? all : all.first(limit);
            ProgressBar bar = new ProgressBar("embedding pairs", use.size());
            CacheEvaluation.run(use, name, verify, maxFalseHitRate, System.out, bar::update);
            return 0;
        }
    }

    /** {@code switchboard cache bench}: the semantic lookup's latency with many entries, and the memory an entry takes. */
    @Command(name = "bench", mixinStandardHelpOptions = true, version = Main.VERSION,
            description = "Semantic lookup latency (embed + HNSW search + guards) with N entries in one namespace, memory an entry, and the index's recall against exact search.")
    static final class Bench implements Callable<Integer> {
        @Option(names = "--pairs", required = true, paramLabel = "FILE.jsonl", description = "Questions to store and ask (the pairs' texts).")
        Path pairs;
        @Option(names = "--entries", defaultValue = "100000", paramLabel = "N", converter = OptionValues.AtLeastOne.class,
                description = "Entries in the index, 1 or more (default ${DEFAULT-VALUE}).")
        int entries;
        @Option(names = "--lookups", defaultValue = "1000", paramLabel = "N", converter = OptionValues.AtLeastOne.class,
                description = "Timed lookups, 1 or more (default ${DEFAULT-VALUE}).")
        int lookups;
        @Option(names = "--embedder", paramLabel = "NAME", description = "An in-process embedder (default: the shipped default).")
        String embedder;
        @Option(names = "--pgvector", paramLabel = "URL",
                description = "Measure pgvector's HNSW in this PostgreSQL instead of Lucene's: postgresql://user:password@host:5432/db "
                        + "(as database_url) or jdbc:postgresql://127.0.0.1:5432/test?user=postgres.")
        String pgvector;

        @Override
        public Integer call() throws Exception {
            String name = embedder == null ? CacheEvaluation.defaultEmbedder() : embedder;
            if (!CacheEvaluation.embedders().contains(name)) {
                System.err.println("switchboard cache bench: unknown embedder '" + name + "'; known: " + CacheEvaluation.embedders());
                return 2;
            }
            CacheEvaluation.Pairs all = readPairs("bench", pairs);
            if (all == null) return 2;
            if (all.size() < 2) { // one question of every five is asked, the others stored: two pairs at the least
                System.err.println("switchboard cache bench: " + pairs + " has 1 pair; the bench needs 2 or more (it stores some "
                        + "questions and asks others).");
                return 2;
            }
            try {
                CacheEvaluation.bench(all, name, entries, lookups, pgvector, System.out);
            } catch (IllegalStateException e) {
                // a --pgvector URL of another form, PostgreSQL unreachable, a refused login, no extension: one line
                // saying which, the URL without its credentials
                System.err.println("switchboard cache bench: " + e.getMessage());
                return 1;
            }
            return 0;
        }
    }

    /** The pairs of a readable file with at least one pair, or null after one line saying what is wrong. */
    static CacheEvaluation.Pairs readPairs(String command, Path pairs) throws java.io.IOException {
        if (!Files.isReadable(pairs) || Files.isDirectory(pairs)) {
            System.err.println("switchboard cache " + command + ": cannot read " + pairs + ". Fix: pass --pairs with a JSONL file of "
                    + "{\"a\": \"…\", \"b\": \"…\", \"duplicate\": true|false} lines.");
            return null;
        }
        try {
            CacheEvaluation.Pairs all = CacheEvaluation.read(pairs);
            if (all.size() == 0) {
                System.err.println("switchboard cache " + command + ": " + pairs + " has no pairs; nothing to measure.");
                return null;
            }
            return all;
        } catch (IllegalArgumentException e) { // a line that is not a pair, or not JSON: its file and line number
            System.err.println("switchboard cache " + command + ": " + e.getMessage());
            return null;
        } catch (java.nio.charset.CharacterCodingException e) {
            System.err.println("switchboard cache " + command + ": " + pairs + " is not UTF-8 text. Fix: pass --pairs with a JSONL file of "
                    + "{\"a\": \"…\", \"b\": \"…\", \"duplicate\": true|false} lines.");
            return null;
        }
    }

    /** A one-line bar on stderr, redrawn at most 10 times a second, so stdout stays the table alone. */
    static final class ProgressBar {
        private final String what;
        private final int total;
        private long lastDraw;

        ProgressBar(String what, int total) {
            this.what = what;
            this.total = total;
        }

        void update(int done) {
            long now = System.nanoTime();
            if (done < total && now - lastDraw < 100_000_000L) return;
            lastDraw = now;
            int width = 30, filled = total == 0 ? width : (int) ((long) done * width / total);
            System.err.print("\r" + what + " [" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total);
            if (done >= total) System.err.println();
            System.err.flush();
        }
    }
}
