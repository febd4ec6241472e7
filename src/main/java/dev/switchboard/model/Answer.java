package dev.switchboard.model;

/**
 * What the pipeline hands back to the edge: the body plus how it was served, for the
 * {@code x-switchboard-*} headers.
 *
 * @param deployment the deployment that served, as {@code provider/model}
 * @param route      {@code primary} or {@code fallback:<reason>}
 * @param cache      {@code miss}, {@code hit-exact} or {@code hit-semantic}
 */
public record Answer<T>(T body, String deployment, String route, String cache) {}
