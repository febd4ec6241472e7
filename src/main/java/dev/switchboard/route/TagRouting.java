package dev.switchboard.route;

import dev.switchboard.model.GatewayException;
import java.util.ArrayList;
import java.util.List;

/**
 * LiteLLM's tag routing ({@code router_settings.enable_tag_filtering}): deployments carry {@code litellm_params.tags},
 * a request carries the call's tags ({@link dev.switchboard.model.CallTags}: the key's, the body's {@code tags}, its
 * metadata's, {@code x-litellm-tags}), and a group's deployments that may serve it are:
 * <ul>
 *   <li>a tagged request: those whose tags include any of the request's ({@code tag_filtering_match_any: true}, the
 *       default) or all of them ({@code false}); when none does, those tagged {@code default}; when there are none
 *       either, none (a 400 naming the tags: a request sent to "team A's" deployments must not reach another's);</li>
 *   <li>an untagged request: those tagged {@code default}, or every deployment when none is.</li>
 * </ul>
 * A group none of whose deployments carries tags serves every request, as without tag routing.
 */
final class TagRouting {
    static final String DEFAULT = "default";
    private final boolean matchAny;

    TagRouting(boolean matchAny) { this.matchAny = matchAny; }

    /** The members of {@code group} that may serve a request with {@code tags} (empty: none may). */
    List<DeploymentState> eligible(ModelGroup group, List<String> tags) {
        boolean anyTagged = false;
        for (DeploymentState m : group.members) anyTagged |= !m.tags.isEmpty();
        if (!anyTagged) return group.members; // a model_name without tags serves as without tag routing
        List<DeploymentState> out = new ArrayList<>(group.members.size());
        if (!tags.isEmpty()) {
            for (DeploymentState m : group.members) if (matches(m.tags, tags)) out.add(m);
            if (!out.isEmpty()) return out;
        }
        for (DeploymentState m : group.members) if (m.tags.contains(DEFAULT)) out.add(m);
        if (!out.isEmpty() || !tags.isEmpty()) return out;
        return group.members;
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
    static GatewayException noneTagged(String alias, List<String> tags) {
        return new GatewayException(dev.switchboard.model.ErrorKind.BAD_REQUEST, 400, "No deployment of '" + alias
                + "' has the request's tags " + tags + " (and none is tagged 'default'); router_settings.enable_tag_filtering is on.",
                "tags", "no_deployments_with_tag_routing", null, null);
    }
}
