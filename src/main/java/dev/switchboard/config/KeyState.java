package dev.switchboard.config;

/** What Switchboard does with a key LiteLLM documents: one of three, never "parsed and dropped". */
public enum KeyState {
    /** Read and acted on as LiteLLM acts on it. */
    APPLIED,
    /** Not supported: the config loads, with a warning naming the key and what differs. */
    WARNED,
    /** Not supported and ignoring it would change what the config means (security, credentials): the load stops. */
    REFUSED
}
