package dev.switchboard.govern;

import dev.switchboard.model.Caller;
import java.util.List;

/**
 * For tests in other packages: a governor with a global limit on calls in flight and one virtual key with a budget, an
 * rpm limit and a parallel limit, and what an admission holds of them (the global places, the key's reservation), so a
 * test can see that a call it admitted gave everything back.
 */
public final class AdmissionProbe {
    private static final WorstCase HUNDRED = new WorstCase() {
        @Override public long boundNanos() { return 100; }
        @Override public long exactNanos() { return 100; }
    };
    public static final String KEY_ID = "key_probe";

    private final KeyRegistry keys = new KeyRegistry();
    private final Governor governor;
    private final Caller caller = Caller.virtualKey(KEY_ID, null, List.of(), null, null, java.util.Map.of());

    /** @param globalMaxParallel the gateway's {@code global_max_parallel_requests}; the key's max parallel is 1 */
    public AdmissionProbe(int globalMaxParallel) { this(globalMaxParallel, 10.0, null); }

    /**
     * @param maxBudget      the key's budget, or null for none (its admission then asks no worst case)
     * @param modelRpmLimits the key's {@code model_rpm_limit}, or null
     */
    public AdmissionProbe(int globalMaxParallel, Double maxBudget, java.util.Map<String, Integer> modelRpmLimits) {
        this(globalMaxParallel, maxBudget, modelRpmLimits, null);
    }

    /** @param modelTpmLimits the key's {@code model_tpm_limit}, or null (a call admitted by {@link #admit(String)} reserves 10) */
    public AdmissionProbe(int globalMaxParallel, Double maxBudget, java.util.Map<String, Integer> modelRpmLimits,
                          java.util.Map<String, Integer> modelTpmLimits) {
        long now = System.currentTimeMillis();
        governor = new Governor(keys, new LocalRateLimiter(), null, System::currentTimeMillis, null, globalMaxParallel);
        com.fasterxml.jackson.databind.node.ObjectNode meta = null;
        if (modelRpmLimits != null || modelTpmLimits != null) meta = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        if (modelRpmLimits != null) modelRpmLimits.forEach(meta.putObject(ModelLimits.RPM)::put);
        if (modelTpmLimits != null) modelTpmLimits.forEach(meta.putObject(ModelLimits.TPM)::put);
        keys.put(new VirtualKey(KEY_ID, "tok-probe", "sk-sb-...probe", null, List.of(), maxBudget, null, null, 0, null, null, 1_000L,
                null, 1L, null, meta, List.of(), false, 0, 0, null, null, null, null), 0, now);
    }

    /** The governor, for a stage that admits through it ({@code Metering}). */
    public Governor governor() { return governor; }

    /** The key as a caller. */
    public Caller caller() { return caller; }

    /** Admits a call of the key to {@code model}. */
    public Admission admit(String model) { return governor.admit(caller, null, List.of(model), HUNDRED, () -> 10); }

    /** The key's call admitted (reserves 100 nano-dollars, takes a global place and the key's one parallel permit). */
    public Admission admit() { return governor.admit(caller, null, List.of("m"), HUNDRED, () -> 10); }

    /** Global places held now. */
    public int globalInFlight() { return governor.globalInFlight(); }

    /** The key's budget reserved now, in nano-dollars. */
    public long keyReservedNanos() { return keys.byId(KEY_ID).budget.reservedNow(); }
}
