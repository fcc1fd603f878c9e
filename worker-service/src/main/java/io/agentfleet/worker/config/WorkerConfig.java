package io.agentfleet.worker.config;

import io.agentfleet.messages.StreamKeys;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Process-wide worker settings and the agent types it serves. Built and validated by {@link ConfigBinder}.
 *
 * @param keys the Redis key layout (prefix)
 * @param consumerName this process's consumer name in every group ({@code POD_NAME}, else host-pid)
 * @param redis where Redis is
 * @param agents the agent types served, in configured order, at least one
 * @param shutdownGrace how long SIGTERM waits for in-flight tasks before leaving them pending for others
 * @param doneTtl how long a task's recorded outcome (the duplicate guard) is kept
 * @param resultsMaxLen approximate max length of result streams (0 = keep all)
 * @param deadMaxLen approximate max length of dead-letter streams (0 = keep all)
 * @param readBlock how long one XREADGROUP blocks waiting for tasks
 * @param promoteInterval how often due retries are moved from the delayed set back to the stream
 * @param livenessTimeout a consumer loop without a successful read (or idle wait) for this long is reported dead
 * @param maxMessageBytes largest accepted task message; larger ones are dead-lettered
 * @param checkpointMaxBytes largest handler checkpoint (encoded JSON); a larger one is refused with a typed exception
 */
public record WorkerConfig(
        StreamKeys keys,
        String consumerName,
        RedisSettings redis,
        List<AgentConfig> agents,
        Duration shutdownGrace,
        Duration doneTtl,
        long resultsMaxLen,
        long deadMaxLen,
        Duration readBlock,
        Duration promoteInterval,
        Duration livenessTimeout,
        int maxMessageBytes,
        int checkpointMaxBytes) {

    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_DONE_TTL = Duration.ofDays(1);
    public static final long DEFAULT_RESULTS_MAX_LEN = 1_000_000;
    public static final long DEFAULT_DEAD_MAX_LEN = 0;
    public static final Duration DEFAULT_READ_BLOCK = Duration.ofSeconds(1);
    public static final Duration DEFAULT_PROMOTE_INTERVAL = Duration.ofMillis(200);
    public static final Duration DEFAULT_LIVENESS_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_CHECKPOINT_MAX_BYTES = 64 * 1024;
    /** The bound's own bound: a checkpoint is one Redis value written synchronously, not a blob store. */
    public static final int LARGEST_CHECKPOINT_MAX_BYTES = 16 * 1024 * 1024;

    public WorkerConfig {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(consumerName, "consumerName");
        Objects.requireNonNull(redis, "redis");
        agents = List.copyOf(agents);
        if (agents.isEmpty()) {
            throw new IllegalArgumentException("agents must name at least one agent type");
        }
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(doneTtl, "doneTtl");
        Objects.requireNonNull(readBlock, "readBlock");
        Objects.requireNonNull(promoteInterval, "promoteInterval");
        Objects.requireNonNull(livenessTimeout, "livenessTimeout");
        if (livenessTimeout.compareTo(readBlock.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("livenessTimeout must be >= 3 x readBlock, but was " + livenessTimeout);
        }
        if (checkpointMaxBytes < 1 || checkpointMaxBytes > LARGEST_CHECKPOINT_MAX_BYTES) {
            throw new IllegalArgumentException("checkpointMaxBytes must be 1.." + LARGEST_CHECKPOINT_MAX_BYTES
                    + ", but was " + checkpointMaxBytes);
        }
    }
}
