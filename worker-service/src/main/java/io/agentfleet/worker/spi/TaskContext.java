package io.agentfleet.worker.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a handler knows about the attempt it runs, and where it saves its progress.
 *
 * <p><b>Checkpoints.</b> A long handler calls {@link #checkpoint} after each step it would not want to repeat; the
 * next attempt of the same task (after a crash and reclaim by another worker, or after a retryable failure or a
 * timeout) finds it in {@link #lastCheckpoint} and resumes from there:
 *
 * <pre>{@code
 * int done = context.lastCheckpoint().map(c -> c.data().get("done").asInt()).orElse(0);
 * for (int step = done + 1; step <= steps; step++) {
 *     work(step);
 *     context.checkpoint(context.json().createObjectNode().put("done", step));
 * }
 * }</pre>
 *
 * A checkpoint belongs to the task id and lives until the task's outcome is recorded (completed, dead-lettered,
 * cancelled), when it is deleted with it; at most {@code fleet.done-ttl} after its last save in any case. Handlers that
 * never call these methods cost nothing extra: the checkpoint is read from Redis on the first {@link #lastCheckpoint}
 * call only.
 *
 * @param agentType the agent type being served
 * @param workerId the consumer name of this worker process (pod name, else host and pid)
 * @param attempt the attempt number, counting redeliveries after crashes
 * @param maxAttempts the attempts allowed before the task is dead-lettered
 * @param deadline when the handler's time is up (the earlier of the task deadline and the handler timeout)
 * @param clock the worker's clock; use it, not {@code System.currentTimeMillis()}, where time decides something
 * @param json a Jackson mapper for building outputs (no default typing)
 * @param checkpoints where this attempt's checkpoints are read and saved
 */
public record TaskContext(
        String agentType,
        String workerId,
        int attempt,
        int maxAttempts,
        Instant deadline,
        Clock clock,
        ObjectMapper json,
        TaskCheckpoints checkpoints) {

    public TaskContext {
        Objects.requireNonNull(checkpoints, "checkpoints");
    }

    /** A context whose checkpoints stay in memory ({@link TaskCheckpoints#inMemory}): for unit tests of a handler. */
    public TaskContext(
            String agentType,
            String workerId,
            int attempt,
            int maxAttempts,
            Instant deadline,
            Clock clock,
            ObjectMapper json) {
        this(
                agentType,
                workerId,
                attempt,
                maxAttempts,
                deadline,
                clock,
                json,
                TaskCheckpoints.inMemory(attempt, clock));
    }

    /** Time left before {@link #deadline()}, never negative. */
    public java.time.Duration remaining() {
        java.time.Duration left = java.time.Duration.between(clock.instant(), deadline);
        return left.isNegative() ? java.time.Duration.ZERO : left;
    }

    /** Whether this is the last attempt before dead-lettering. */
    public boolean isLastAttempt() {
        return attempt >= maxAttempts;
    }

    /** The deadline as an optional, for handlers that pass it to a client library. */
    public Optional<Instant> deadlineIfAny() {
        return Optional.ofNullable(deadline);
    }

    /**
     * The task's latest checkpoint: the one an earlier attempt saved last (empty on a first attempt, or when no attempt
     * saved one), or this attempt's own latest once it saved one. The first call reads Redis; when that fails, the
     * Redis error propagates and fails the attempt retryably, like any other exception.
     */
    public Optional<Checkpoint> lastCheckpoint() {
        return checkpoints.last();
    }

    /**
     * Saves {@code progress} (any JSON, at most {@code fleet.checkpoint.max-bytes} encoded, 64 KiB by default) as the
     * task's latest checkpoint, replacing the previous one. Synchronous: when it returns, the checkpoint is in Redis
     * (and on the configured number of replicas, when {@code FLEET_REDIS_WAIT_REPLICAS} is set), so an attempt that
     * starts after this one crashes sees it.
     *
     * @throws CheckpointTooLargeException when {@code progress} is over the bound; nothing is saved, catch it to go on
     * @throws LeaseLostException when another worker has taken the task over; nothing is saved, let it propagate
     */
    public void checkpoint(JsonNode progress) {
        checkpoints.save(Objects.requireNonNull(progress, "progress"));
    }
}
