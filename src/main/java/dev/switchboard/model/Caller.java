package dev.switchboard.model;

/**
 * An authenticated caller. {@code id} names it in logs and spend ({@code master}, or a virtual key's id once
 * governance exists; {@code anonymous} when no master key is configured and the gateway is loopback-only).
 */
public record Caller(String id, boolean admin) {
    public static final Caller ANONYMOUS = new Caller("anonymous", true);
    public static final Caller MASTER = new Caller("master", true);
}
