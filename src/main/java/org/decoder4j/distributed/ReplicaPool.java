package org.decoder4j.distributed;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.GPTConfig;

/**
 * The model replicas of this JVM (a Spark executor, or the driver in local mode), kept between
 * steps so that a worker builds its model once and afterwards only loads the step's parameters.
 * Tasks running at the same time in one JVM borrow different replicas.
 *
 * <pre>{@code
 * GPT replica = ReplicaPool.borrow(config);
 * try {
 *     ParameterVector.of(replica).loadValues(weights);
 *     // forward, backward
 * } finally {
 *     ReplicaPool.release(config, replica);
 * }
 * }</pre>
 */
final class ReplicaPool {

    private static final Map<GPTConfig, Queue<GPT>> IDLE = new ConcurrentHashMap<>();

    private ReplicaPool() {
    }

    /** An idle replica of this shape, or a new one (float32, weights to be loaded). */
    public static GPT borrow(GPTConfig config) {
        GPT replica = IDLE.computeIfAbsent(config, c -> new ConcurrentLinkedQueue<>()).poll();
        return replica != null ? replica : GPT.builder().config(config).seed(0).build();
    }

    /** Returns a replica for the next task. */
    public static void release(GPTConfig config, GPT replica) {
        IDLE.computeIfAbsent(config, c -> new ConcurrentLinkedQueue<>()).add(replica);
    }

    /** Drops every idle replica, so that their memory can be freed. */
    public static void clear() {
        IDLE.clear();
    }
}
