package dev.switchboard.route;

import dev.switchboard.model.GatewayException;
import java.util.ArrayList;
import java.util.List;

/**
 * LiteLLM's tag routing ({@code router_settings.enable_tag_filtering}): deployments carry {@code litellm_params.tags}
 * and {@code tag_regex}, a request carries the call's tags ({@link dev.switchboard.model.CallTags}: the key's, the body's
 * {@code tags}, its metadata's, {@code x-litellm-tags}) and its client's {@code User-Agent}, and a group's deployments
 * that may serve it are:
 * <ul>
 *   <li>a request with tags, or whose User-Agent the group's {@code tag_regex} could match: those whose tags include any
 *       of the request's ({@code tag_filtering_match_any: true}, the default) or all of them ({@code false}), and those
 *       one of whose patterns is found in {@code "User-Agent: <the client's>"} (with {@code match_any: false}, only
 *       those without plain tags: a pattern never gets round the strict match); when none is, those tagged
 *       {@code default}; when there are none either, none (a 400 naming the tags: a request sent to "team A's"
 *       deployments must not reach another's);</li>
 *   <li>any other request (no tags, and no User-Agent or no pattern in the group): those tagged {@code default}, or
 *       every deployment when none is, as LiteLLM routes it (a pattern steers clients; it is not an access rule).</li>
 * </ul>
 * A group none of whose deployments carries tags or patterns serves every request, as without tag routing.
 */
final class TagRouting {
    static final String DEFAULT = "default";
    private final boolean matchAny;

    TagRouting(boolean matchAny) { this.matchAny = matchAny; }

    /**
     * The members of {@code group} that may serve a request with {@code tags} from a client with {@code userAgent}
     * (null when unknown) (empty: none may).
     */
    List<DeploymentState> eligible(ModelGroup group, List<String> tags, String userAgent) {
        boolean anyTagged = false, anyRegex = false;
        for (DeploymentState m : group.members) {
            anyTagged |= !m.tags.isEmpty();
            anyRegex |= !m.tagRegex.isEmpty();
        }
        if (!anyTagged && !anyRegex) return group.members; // a model_name without tags serves as without tag routing
        String header = anyRegex && userAgent != null && !userAgent.isEmpty() ? "User-Agent: " + userAgent : null;
        List<DeploymentState> out = new ArrayList<>(group.members.size());
        boolean asked = !tags.isEmpty() || header != null;
        if (asked) {
            // a deployment's tags match only a call that has tags (match-all of no tags would be every tagged deployment)
            for (DeploymentState m : group.members) if ((!tags.isEmpty() && matches(m.tags, tags)) || matchesAgent(m, header)) out.add(m);
            if (!out.isEmpty()) return out;
        }
        for (DeploymentState m : group.members) if (m.tags.contains(DEFAULT)) out.add(m);
        if (!out.isEmpty() || asked) return out;
        return group.members;
    }

    private boolean matchesAgent(DeploymentState m, String header) {
        if (header == null || m.tagRegex.isEmpty() || (!matchAny && !m.tags.isEmpty())) return false;
        for (java.util.regex.Pattern p : m.tagRegex) if (p.matcher(header).find()) return true;
        return false;
    }

    private boolean matches(List<String> deployment, List<String> request) {
        if (deployment.isEmpty()) return false;
        if (matchAny) {
            for (String t : request) if (deployment.contains(t)) return true;
            return false;
        }
        return deployment.containsAll(request);
    }

    /** The failure of a tagged request that no deployment of the group may serve. */
    static GatewayException noneTagged(ModelGroup group, List<String> tags, String userAgent) {
        boolean patterns = false;
        for (DeploymentState m : group.members) patterns |= !m.tagRegex.isEmpty();
        if (!patterns) userAgent = null; // this group does not route by it: naming it would mislead
        String alias = group.alias;
        String what = tags.isEmpty() ? "a tag_regex matching the request's User-Agent '" + userAgent + "'"
                : "the request's tags " + tags + (userAgent == null ? "" : " or a tag_regex matching its User-Agent");
        return new GatewayException(dev.switchboard.model.ErrorKind.BAD_REQUEST, 400, "No deployment of '" + alias
                + "' has " + what + " (and none is tagged 'default'); router_settings.enable_tag_filtering is on.",
                "tags", "no_deployments_with_tag_routing", null, null);
    }
}
