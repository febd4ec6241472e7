package dev.switchboard.model;

/** Who wrote a message. {@code DEVELOPER} is OpenAI's newer name for a system message. */
public enum Role {
    SYSTEM("system"), DEVELOPER("developer"), USER("user"), ASSISTANT("assistant"), TOOL("tool");

    /** {@code values()} clones its array on every call; a role is looked up for every message. */
    private static final Role[] ALL = values();

    private final String wire;

    Role(String wire) { this.wire = wire; }

    public String wire() { return wire; }

    /** @return the role for an OpenAI-style name, or null when there is none. */
    public static Role fromWire(String name) {
        for (Role r : ALL) if (r.wire.equals(name)) return r;
        return null;
    }
}
