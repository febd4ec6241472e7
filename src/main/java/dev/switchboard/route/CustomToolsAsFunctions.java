package dev.switchboard.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.Message;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolCall;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * OpenAI's custom (free-form) tools for a provider that has none (every one but OpenAI and Azure OpenAI, see
 * {@link dev.switchboard.provider.Provider#takesCustomTools}): each custom tool is offered as a function of one string
 * parameter, {@code input}, and each call of it comes back as a custom call whose input is that string, so the client
 * sees the custom tool it asked for. The history's custom calls go to the provider as calls of those functions.
 *
 * <p>A grammar ({@code format: {"type":"grammar"}}) cannot be enforced by these providers: the function's description
 * gives it to the model, which usually follows it, but nothing checks the input against it (OpenAI's own models are
 * constrained by it). Streams are restored as they go by {@link CustomToolInputSink}.
 */
final class CustomToolsAsFunctions {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The one parameter a custom tool's function has. */
    static final String INPUT = "input";

    private CustomToolsAsFunctions() {}

    /** The names of the request's custom tools; empty (the common case) when it has none. */
    static Set<String> customNames(ChatRequest r) {
        Set<String> out = null;
        for (Tool t : r.tools()) {
            if (!t.custom()) continue;
            if (out == null) out = new HashSet<>(4);
            out.add(t.name());
        }
        return out == null ? Set.of() : out;
    }

    /** The request with its custom tools as functions and its custom calls as their calls; itself when it has neither. */
    static ChatRequest asFunctions(ChatRequest r) {
        boolean any = false;
        for (Tool t : r.tools()) any |= t.custom();
        for (Message m : r.messages()) for (ToolCall c : m.toolCalls()) any |= c.custom();
        if (!any) return r;
        List<Tool> tools = new ArrayList<>(r.tools().size());
        for (Tool t : r.tools()) tools.add(t.custom() ? function(t) : t);
        List<Message> messages = new ArrayList<>(r.messages().size());
        for (Message m : r.messages()) {
            if (m.toolCalls().stream().noneMatch(ToolCall::custom)) {
                messages.add(m);
                continue;
            }
            List<ToolCall> calls = m.toolCalls().stream().map(c -> c.custom() ? new ToolCall(c.id(), c.name(),
                    JsonNodeFactory.instance.objectNode().put(INPUT, c.arguments() == null ? "" : c.arguments()).toString()) : c).toList();
            messages.add(new Message(m.role(), m.content(), m.name(), calls, m.toolCallId(), m.reasoning(), m.refusal(), m.extra()));
        }
        return r.withToolsAndMessages(tools, messages);
    }

    /** A custom tool as the function the model is offered instead: its input as one string, its grammar in words. */
    static Tool function(Tool t) {
        JsonNode format = t.customFormat();
        String grammar = null;
        if ("grammar".equals(format.path("type").textValue())) {
            JsonNode g = format.path("grammar");
            String syntax = "regex".equals(g.path("syntax").textValue()) ? "regular expression" : "Lark grammar";
            grammar = "The input must match this " + syntax + ":\n" + g.path("definition").asText();
        }
        String description = t.description() == null ? grammar : grammar == null ? t.description() : t.description() + "\n\n" + grammar;
        ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
        schema.putObject("properties").putObject(INPUT).put("type", "string")
                .put("description", "The tool's input as free-form text (not JSON)" + (grammar == null ? "." : ", following the grammar."));
        schema.putArray("required").add(INPUT);
        schema.put("additionalProperties", false);
        return new Tool(t.name(), description, schema, null, t.cacheControl());
    }

    /** The answer with the calls of {@code custom} tools as custom calls; itself when it holds none. */
    static ChatResponse restore(ChatResponse r, Set<String> custom) {
        List<Choice> choices = null;
        for (int i = 0; i < r.choices().size(); i++) {
            Choice ch = r.choices().get(i);
            Message m = ch.message();
            if (m == null || m.toolCalls().stream().noneMatch(c -> !c.custom() && custom.contains(c.name()))) continue;
            List<ToolCall> calls = m.toolCalls().stream()
                    .map(c -> !c.custom() && custom.contains(c.name()) ? new ToolCall(c.id(), c.name(), input(c.arguments()), true) : c)
                    .toList();
            if (choices == null) choices = new ArrayList<>(r.choices());
            choices.set(i, ch.withMessage(new Message(m.role(), m.content(), m.name(), calls, m.toolCallId(), m.reasoning(),
                    m.refusal(), m.extra())));
        }
        if (choices == null) return r;
        // a changed answer: neither the upstream's bytes nor its raw body describe it any more
        return r.withChoices(choices, null);
    }

    /**
     * A custom tool's input from its function's arguments: the {@code input} string, or the one string member of an
     * object that has one (a model that renamed the parameter), {@code ""} for {@code {}}; otherwise the arguments as
     * the model wrote them, so nothing it wrote is lost.
     */
    static String input(String arguments) {
        if (arguments == null || arguments.isBlank()) return "";
        try {
            JsonNode n = MAPPER.readTree(arguments);
            if (n != null && n.isObject()) {
                if (n.path(INPUT).isTextual()) return n.get(INPUT).textValue();
                if (n.isEmpty()) return "";
                if (n.size() == 1 && n.elements().next().isTextual()) return n.elements().next().textValue();
            }
        } catch (java.io.IOException notJson) {
            // the model wrote text: that is the input
        }
        return arguments;
    }
}
