package io.agentfleet.worker.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.Optional;

/**
 * Where one attempt's {@link TaskContext#checkpoint checkpoints} go. The worker's own keeps them in Redis under the
 * task id; {@link #inMemory} is for unit tests of a handler.
 */
public interface TaskCheckpoints {

    /** The task's latest checkpoint: one saved by an earlier attempt, or by this one since. */
    Optional<Checkpoint> last();

    /**
     * Saves {@code data} as the task's latest checkpoint, durably when this returns.
     *
     * @throws CheckpointTooLargeException when the JSON exceeds the configured bound (nothing is saved)
     * @throws LeaseLostException when another worker has taken the task over (nothing is saved)
     */
    void save(JsonNode data);

    /** Checkpoints held in this object only, saved by attempt {@code attempt}: for testing a handler without Redis. */
    static TaskCheckpoints inMemory(int attempt, Clock clock) {
        return new TaskCheckpoints() {
            private volatile Checkpoint last;

            @Override
            public Optional<Checkpoint> last() {
                return Optional.ofNullable(last);
            }

            @Override
            public void save(JsonNode data) {
                last = new Checkpoint(data.deepCopy(), attempt, clock.instant());
            }
        };
    }
}
