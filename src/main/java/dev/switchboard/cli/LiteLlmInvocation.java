package dev.switchboard.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * LiteLLM's way of starting its proxy, {@code litellm --config config.yaml --port 4000 --detailed_debug}, typed as
 * {@code switchboard --config config.yaml …}: Switchboard takes a command first, and picocli answered that line with
 * "Unknown options: '--config', 'config.yaml'" and the whole usage (QA, thirty-ninth session). This reads the line as
 * LiteLLM would and says the Switchboard command that does the same, ready to copy, or what to do instead for the
 * flags that are not a start ({@code --health}, {@code --test}, {@code --model}).
 */
final class LiteLlmInvocation {
    private LiteLlmInvocation() {}

    /**
     * @param args the whole command line, its first word an option (no command)
     * @return what to print (exit code 2), or null when the line holds none of LiteLLM's proxy flags
     */
    static String translate(String[] args) {
        if (args.length == 0 || !args[0].startsWith("-")) return null;
        String config = null, port = null, host = null, model = null;
        boolean debug = false, health = false, test = false, workers = false;
        List<String> others = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a, value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            boolean takesValue = switch (name) {
                case "--config", "-c", "--port", "--host", "--model", "-m", "--num_workers" -> true;
                default -> false;
            };
            if (takesValue && value == null) value = i + 1 < args.length ? args[++i] : "";
            switch (name) {
                case "--config", "-c" -> config = value;
                case "--port" -> port = value;
                case "--host" -> host = value;
                case "--model", "-m" -> model = value;
                case "--num_workers" -> workers = true;
                case "--detailed_debug", "--debug" -> debug = true;
                case "--health" -> health = true;
                case "--test" -> test = true;
                default -> others.add(a);
            }
        }
        if (config == null && port == null && host == null && model == null && !debug && !health && !test && !workers) {
            return null;
        }
        String base = "http://" + (host == null || host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + (port == null ? "4000" : port);
        StringBuilder m = new StringBuilder();
        if (health) {
            m.append("switchboard: --health is LiteLLM's check of a running proxy's models. Here the running gateway answers it:\n")
                    .append("  curl -s ").append(base).append("/health -H \"Authorization: Bearer $LITELLM_MASTER_KEY\"\n")
                    .append("(one real call to each deployment); `switchboard check --config config.yaml` validates a config without a start.");
            return m.toString();
        }
        if (test) {
            m.append("switchboard: --test is LiteLLM's test request to a running proxy. Here:\n")
                    .append("  curl -s ").append(base).append("/v1/chat/completions -H 'content-type: application/json' ")
                    .append("-H \"Authorization: Bearer $LITELLM_MASTER_KEY\" -d '{\"model\":\"<a model_name of your config>\",")
                    .append("\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}'");
            return m.toString();
        }
        StringBuilder cmd = new StringBuilder("switchboard serve --config ").append(config == null ? "config.yaml" : quoted(config));
        if (port != null) cmd.append(" --port ").append(quoted(port));
        if (host != null) cmd.append(" --host ").append(quoted(host));
        if (debug) cmd.append(" --detailed_debug");
        m.append("switchboard: a command comes first (serve, check, demo, …; switchboard --help lists them). LiteLLM's `litellm ")
                .append(String.join(" ", args)).append("` is, here:\n  ").append(cmd);
        if (model != null) {
            m.append("\n--model is LiteLLM's one-model start: Switchboard serves a config. Write config.yaml with\n")
                    .append("  model_list:\n    - model_name: ").append(model).append("\n      litellm_params:\n        model: ")
                    .append(model).append("\nthen run the command above (`switchboard check --config config.yaml` first shows what it resolves to).");
        }
        if (workers) m.append("\n--num_workers is not needed: one Switchboard process uses every core (one event loop per core).");
        if (!others.isEmpty()) m.append("\nNot taken here: ").append(String.join(" ", others)).append(" (switchboard serve --help lists serve's options).");
        return m.toString();
    }

    /** {@code s} as one shell word: in single quotes when it holds anything a shell reads (braces, brackets, tabs and newlines too). */
    private static String quoted(String s) {
        return s.isEmpty() || s.chars().anyMatch(c -> " '\"$\\`;&|<>()*?!#~{}[]\t\n\r".indexOf(c) >= 0) ? "'" + s.replace("'", "'\\''") + "'" : s;
    }
}
