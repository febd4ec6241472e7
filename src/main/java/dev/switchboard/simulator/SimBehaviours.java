package dev.switchboard.simulator;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Which behaviour a request gets, so one simulator can play several deployments (keyed on the request
 * body's {@code model}, the deployment's upstream model id): a behaviour queued for its model, else one
 * queued for any request, else its model's standing behaviour (a model that is always slow or always
 * failing), else a normal answer.
 */
final class SimBehaviours {
    private final Queue<SimBehaviour> anyModel = new ConcurrentLinkedQueue<>();
    private final Map<String, Queue<SimBehaviour>> queued = new ConcurrentHashMap<>();
    private final Map<String, SimBehaviour> standing = new ConcurrentHashMap<>();

    void enqueue(SimBehaviour b) { anyModel.add(b); }

    void enqueue(String model, SimBehaviour b) {
        queued.computeIfAbsent(model, k -> new ConcurrentLinkedQueue<>()).add(b);
    }

    /** @param b null to go back to normal answers */
    void standing(String model, SimBehaviour b) {
        if (b == null) standing.remove(model);
        else standing.put(model, b);
    }

    /** @param modelOf the request's model, asked only when some behaviour is set per model (it parses the body) */
    SimBehaviour next(java.util.function.Supplier<String> modelOf) {
        String model = queued.isEmpty() && standing.isEmpty() ? null : modelOf.get();
        Queue<SimBehaviour> q = model == null ? null : queued.get(model);
        SimBehaviour b = q == null ? null : q.poll();
        if (b == null) b = anyModel.poll();
        if (b == null && model != null) b = standing.get(model);
        return b == null ? SimBehaviour.NORMAL : b;
    }

    void clear() {
        anyModel.clear();
        queued.clear();
        standing.clear();
    }
}
