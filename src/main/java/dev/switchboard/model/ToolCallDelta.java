package dev.switchboard.model;

/** A piece of a streamed tool call: the first piece has id and name, later ones carry argument text. */
public record ToolCallDelta(int index, String id, String name, String argumentsFragment) {}
