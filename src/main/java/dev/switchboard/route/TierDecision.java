package dev.switchboard.route;

/**
 * The auto alias's choice for one request.
 *
 * @param tier   {@code cheap} or {@code smart}
 * @param alias  the model_name that serves the tier
 * @param reason the rule that decided: {@code header}, {@code tokens>N}, {@code tools}, {@code keyword:<word>},
 *               {@code classifier}, {@code classifier-cached}, {@code classifier-unclear},
 *               {@code classifier-failed} or {@code default}
 */
record TierDecision(String tier, String alias, String reason) {
    /** The {@code x-switchboard-tier} response header: {@code cheap; reason=default}. */
    String header() { return tier + "; reason=" + reason; }

    /** The reason without its detail, for a metric tag of bounded cardinality. */
    String reasonKind() {
        int cut = reason.indexOf(':');
        if (cut < 0) cut = reason.indexOf('>');
        return cut < 0 ? reason : reason.substring(0, cut);
    }
}
