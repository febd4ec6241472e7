package dev.switchboard.route;

import dev.switchboard.config.Deployment;
import dev.switchboard.model.DurationSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM's budget routing: a budget in US dollars per provider ({@code router_settings.provider_budget_config}) and per
 * deployment ({@code litellm_params.max_budget} / {@code budget_duration}), each over a period. A deployment whose own
 * budget or whose provider's budget is spent this period is passed over by the router, like one cooling down: its
 * alias's other deployments serve, then the fallbacks; a request nothing else can serve is refused (429). A routing
 * limit, not a hard cap: the calls already under way finish (a key's budget is the hard one).
 *
 * <p>Spend is counted by the ledger's deployment id ({@code provider/model}, its provider the part before the slash):
 * this gateway's served calls as they are metered ({@link #spent}), and, for several gateways on one store, the
 * ledger's sums read every few seconds ({@link #synced}). Periods follow each other from the epoch (UTC): {@code 1d}
 * resets at midnight UTC, {@code 1mo} on the first of the month; no period means one that never resets.
 */
public final class SpendCaps {
    public static final SpendCaps NONE = new SpendCaps(Map.of(), Map.of());

    /** One budget: its limit over a period, and what was spent in the current one. */
    public static final class Cap {
        final String kind;
        final String name;
        final long limitNanos;
        final DurationSpec period;
        private long windowStart = Long.MIN_VALUE;
        /** The ledger's sum for this window when last read (every gateway's written spend). */
        private long stored;
        /** This gateway's spend metered since then. */
        private long local;

        Cap(String kind, String name, long limitNanos, DurationSpec period) {
            this.kind = kind;
            this.name = name;
            this.limitNanos = limitNanos;
            this.period = period;
        }

        /** Where the period holding {@code nowMillis} starts (0: a budget that never resets). */
        public long windowStart(long nowMillis) { return period == null ? 0 : period.rollingStart(0, nowMillis); }

        /** When the current period ends; Long.MAX_VALUE for none. */
        public long windowEnd(long nowMillis) { return period == null ? Long.MAX_VALUE : period.rollingEnd(0, nowMillis); }

        /**
         * Moves to the period holding {@code atMillis} when it is a later one; true when that is the current period. Only
         * ever forward: a call that ended before midnight and is metered after it belongs to the period before, and must not
         * take the counts back there.
         */
        private boolean roll(long atMillis) {
            long start = windowStart(atMillis);
            if (start > windowStart) {
                windowStart = start;
                stored = 0;
                local = 0;
            }
            return start == windowStart;
        }

        public synchronized long spentNanos(long nowMillis) {
            roll(nowMillis);
            return stored + local;
        }

        synchronized boolean spent(long nowMillis) {
            roll(nowMillis);
            return stored + local >= limitNanos;
        }

        /** A served call's cost, ended at {@code atMillis}: counted when that is in the current period. */
        synchronized void add(long nanos, long atMillis) {
            if (roll(atMillis)) local += nanos;
        }

        /** What this gateway counted itself in the current period so far: the mark a ledger read starts from. */
        synchronized long mark(long nowMillis) {
            roll(nowMillis);
            return local;
        }

        /**
         * The ledger's sum for the period starting at {@code start}, read after {@code mark} ({@link #mark}): it replaces
         * what was counted here before the read began (the ledger has it), and what was counted since stays.
         */
        synchronized void synced(long start, long ledgerNanos, long mark, long nowMillis) {
            roll(nowMillis);
            if (start != windowStart) return; // read for a period that has ended meanwhile
            stored = ledgerNanos;
            local = Math.max(0, local - mark);
        }

        /** {@code provider openai} / {@code deployment openai/gpt-4o}. */
        public String label() { return kind + " " + name; }

        public String kind() { return kind; }

        public String name() { return name; }

        public long limitNanos() { return limitNanos; }

        public DurationSpec period() { return period; }
    }

    private final Map<String, Cap> byProvider;
    private final Map<String, Cap> byDeployment;
    /**
     * The caps of each deployment id that has a budget of its own (the config's ids, a fixed set), its own first. Any
     * other id (a wildcard's served model, named by the caller) is not kept: it has at most its provider's cap, found
     * without allocating ({@link #capsOf}), or one map entry per name a caller invented lived for the process's life.
     */
    private final Map<String, List<Cap>> capsOf;
    /** {@link #byProvider}'s names and each one's caps ({@code List.of(cap)}), for an id without its own budget. */
    private final String[] providerNames;
    private final List<Cap>[] providerCaps;

    @SuppressWarnings("unchecked")
    private SpendCaps(Map<String, Cap> byProvider, Map<String, Cap> byDeployment) {
        this.byProvider = byProvider;
        this.byDeployment = byDeployment;
        Map<String, List<Cap>> held = new java.util.HashMap<>();
        byDeployment.forEach((id, own) -> {
            String provider = providerOf(id);
            Cap p = provider == null ? null : byProvider.get(provider);
            held.put(id, p == null ? List.of(own) : List.of(own, p));
        });
        this.capsOf = Map.copyOf(held);
        this.providerNames = byProvider.keySet().toArray(new String[0]);
        this.providerCaps = new List[providerNames.length];
        for (int i = 0; i < providerNames.length; i++) providerCaps[i] = List.of(byProvider.get(providerNames[i]));
    }

    /**
     * The caps a config sets: {@code provider_budget_config} (validated by the loader) and each deployment's
     * {@code max_budget}; {@link #NONE} when it sets none.
     */
    public static SpendCaps from(Map<String, Object> routerSettings, Collection<Deployment> deployments) {
        Map<String, Cap> providers = new LinkedHashMap<>();
        if (routerSettings.get("provider_budget_config") instanceof Map<?, ?> m) {
            m.forEach((provider, cfg) -> {
                Double usd = cfg instanceof Map<?, ?> c ? usd(c.get("budget_limit")) : null;
                if (usd != null) {
                    Map<?, ?> c = (Map<?, ?>) cfg;
                    providers.put(String.valueOf(provider), new Cap("provider", String.valueOf(provider), nanos(usd),
                            c.get("time_period") == null ? null : DurationSpec.parse(String.valueOf(c.get("time_period")))));
                }
            });
        }
        Map<String, Cap> own = new LinkedHashMap<>();
        for (Deployment d : deployments) {
            Double usd = usd(d.params().get("max_budget"));
            if (usd == null || d.wildcard()) continue; // a wildcard's served models have ids of their own (the loader warns)
            Object period = d.params().get("budget_duration");
            // two entries of one provider/model share the ledger's id, so they share one budget: the smaller one
            Cap c = new Cap("deployment", d.id(), nanos(usd), period == null ? null : DurationSpec.parse(period.toString()));
            own.merge(d.id(), c, (a, b) -> a.limitNanos <= b.limitNanos ? a : b);
        }
        return providers.isEmpty() && own.isEmpty() ? NONE : new SpendCaps(Map.copyOf(providers), Map.copyOf(own));
    }

    static long nanos(double usd) { return Math.round(usd * 1e9); }

    /** A budget in US dollars as the config keeps it: a number, or a number written as a string ("100"); else null. */
    private static Double usd(Object v) {
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                return null; // the loader refused it
            }
        }
        return null;
    }

    /** Whether any budget is set: when not, routing asks nothing of this. */
    public boolean none() { return byProvider.isEmpty() && byDeployment.isEmpty(); }

    /** The provider of a ledger deployment id ({@code provider/model}); null for an id without one. */
    static String providerOf(String deploymentId) {
        int slash = deploymentId.indexOf('/');
        return slash <= 0 ? null : deploymentId.substring(0, slash);
    }

    /** The deployment's caps, its own first, then its provider's (the part of the id before the slash). */
    private List<Cap> capsOf(String deploymentId) {
        List<Cap> held = capsOf.get(deploymentId);
        if (held != null) return held;
        int slash = deploymentId.indexOf('/');
        if (slash <= 0) return List.of();
        for (int i = 0; i < providerNames.length; i++) {
            String p = providerNames[i];
            if (p.length() == slash && deploymentId.startsWith(p)) return providerCaps[i];
        }
        return List.of();
    }

    /** How many deployment ids have their caps kept (the config's own budgets only), for tests of the bound. */
    int idsHeld() { return capsOf.size(); }

    /** The first budget of this deployment (its own, then its provider's) spent this period; null when none is. */
    Cap spentCap(String deploymentId, long nowMillis) {
        if (none()) return null;
        for (Cap c : capsOf(deploymentId)) if (c.spent(nowMillis)) return c;
        return null;
    }

    /** A served call's cost, counted against its deployment's budgets. */
    public void spent(String deploymentId, long costNanos, long nowMillis) {
        if (none() || deploymentId == null || costNanos <= 0) return;
        for (Cap c : capsOf(deploymentId)) c.add(costNanos, nowMillis);
    }

    /** The distinct window starts the budgets have now: the ledger is summed from each ({@link #synced}). */
    public List<Long> windowStarts(long nowMillis) {
        List<Long> out = new ArrayList<>();
        for (Cap c : all()) {
            long s = c.windowStart(nowMillis);
            if (!out.contains(s)) out.add(s);
        }
        return out;
    }

    /** Each budget's mark before a ledger read ({@link Cap#mark}), in the order of {@link #all}. */
    public long[] marks(long nowMillis) {
        List<Cap> all = all();
        long[] out = new long[all.size()];
        for (int i = 0; i < out.length; i++) out[i] = all.get(i).mark(nowMillis);
        return out;
    }

    /**
     * The ledger's spend by deployment id since each window start ({@code sums.get(start).get(deploymentId)}), read
     * after {@code marks}: every budget takes its window's sum over its deployments, every gateway's spend included.
     */
    public void synced(Map<Long, Map<String, Long>> sums, long[] marks, long nowMillis) {
        List<Cap> all = all();
        for (int i = 0; i < all.size(); i++) {
            Cap c = all.get(i);
            long start = c.windowStart(nowMillis);
            Map<String, Long> byId = sums.get(start);
            if (byId == null) continue;
            long total = 0;
            for (Map.Entry<String, Long> e : byId.entrySet()) {
                if (c.kind.equals("deployment") ? e.getKey().equals(c.name) : c.name.equals(providerOf(e.getKey()))) total += e.getValue();
            }
            c.synced(start, total, marks[i], nowMillis);
        }
    }

    /** Every budget, providers' first. */
    public List<Cap> all() {
        List<Cap> out = new ArrayList<>(byProvider.values());
        out.addAll(byDeployment.values());
        return out;
    }

    /** The providers' budgets by provider name (LiteLLM's {@code /provider/budgets}). */
    public Map<String, Cap> providers() { return byProvider; }

    /** A refusal's words, as LiteLLM's: "Exceeded budget for provider openai: 0.000735 >= 1e-12". */
    static String exceeded(Cap c, long nowMillis) {
        return "Exceeded budget for " + c.label() + ": " + plain(c.spentNanos(nowMillis)) + " >= " + plain(c.limitNanos);
    }

    private static String plain(long nanos) {
        return java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }
}
