package dev.switchboard.edge;

import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Tool;
import java.util.List;

/** OpenAI's checks of the tools a request names, shared by chat completions and the Responses API (OpenAI's wording). */
public final class ToolNames {
    private ToolNames() {}

    /** A tool's name, not empty: no provider takes a nameless tool, and OpenAI refuses it so. */
    public static String nonEmpty(String name, String path) {
        if (name.isEmpty()) {
            throw GatewayException.badRequest("Invalid '" + path + "': empty string. Expected a string with minimum length 1, "
                    + "but got an empty string instead.", path);
        }
        return name;
    }

    /**
     * A tool choice that names a tool of one kind ({@code function} or {@code custom}) must name a tool of that kind: a
     * function is called with JSON arguments, a custom tool with free text, so serving the other kind would hand the
     * client a call it cannot take. The canonical choice keeps only the name, so the decoders check this on the request's
     * JSON. A name no tool has is left to the decoders' "no tool named" check; other kinds pass.
     */
    public static void checkKind(String kind, String name, List<Tool> tools, String param, String fix) {
        if (name == null || !("function".equals(kind) || "custom".equals(kind))) return;
        for (Tool t : tools) {
            if (!t.name().equals(name)) continue;
            if (t.custom() != "custom".equals(kind)) {
                throw GatewayException.badRequest("Invalid value for '" + param + "': '" + name + "' is a "
                        + (t.custom() ? "custom" : "function") + " tool in 'tools', not a " + kind + " tool. Fix: name it as "
                        + fix.replace("%kind", t.custom() ? "custom" : "function") + ".", param);
            }
            return;
        }
    }
}
