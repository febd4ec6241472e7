package dev.switchboard.config;

/**
 * One name a configured fallback list points at, where it is written: {@code switchboard check} warns with its line when
 * the target serves another mode than the model_names whose list it is in (the router would pass it over).
 *
 * @param from   the model_name whose list it is; null for {@code default_fallbacks} (the list of every model_name
 *               without error fallbacks of its own)
 * @param to     the fallback's name; null for an empty list ({@code fallbacks: [{emb: []}]}: a list of its own all the
 *               same, so default_fallbacks does not apply to {@code from})
 * @param source where it is written ({@code line 12}, as the config's other messages say it)
 * @param path   its key path ({@code router_settings.fallbacks[0].emb[0]})
 */
public record FallbackRef(String from, String to, String source, String path) {}
