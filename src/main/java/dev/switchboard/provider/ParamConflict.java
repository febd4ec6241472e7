package dev.switchboard.provider;

/**
 * A parameter the request sets that the serving model refuses beside something else the request asks for (Claude's
 * {@code temperature} with the thinking a {@code reasoning_effort} turns on; Bedrock's {@code tool_choice: "none"} in a
 * conversation holding tool calls). The router treats it as a parameter the provider cannot honour: a 400
 * {@code unsupported_params} naming {@code field} with {@code why}, or dropped under {@code drop_params}.
 *
 * @param field the OpenAI name of the parameter, as {@code ChatRequest.without} takes it
 * @param why   what the model refuses, as the first part of the error's sentence ("Claude takes temperature 1 only
 *              with thinking on, which this request turns on")
 * @param drop  how {@code drop_params} drops it when less than the whole field goes (Claude's blank stop sequences: only
 *              those); null drops the field
 */
public record ParamConflict(String field, String why, java.util.function.UnaryOperator<dev.switchboard.model.ChatRequest> drop) {
    public ParamConflict(String field, String why) { this(field, why, null); }
}
