package io.agentfleet.worker.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.worker.spi.Checkpoint;
import io.agentfleet.worker.spi.TaskCheckpoints;
import java.util.Optional;

/** One attempt's view of its task's checkpoint: read from Redis on first use only, then kept up to date by saves. */
final class AttemptCheckpoints implements TaskCheckpoints {
    private final CheckpointStore store;
    private final String entryId;
    private final String taskId;
    private final int attempt;
    /** Null until read or saved. */
    private volatile Optional<Checkpoint> last;

    AttemptCheckpoints(CheckpointStore store, String entryId, String taskId, int attempt) {
        this.store = store;
        this.entryId = entryId;
        this.taskId = taskId;
        this.attempt = attempt;
    }

    @Override
    public Optional<Checkpoint> last() {
        Optional<Checkpoint> known = last;
        if (known == null) {
            known = store.read(taskId);
            last = known;
        }
        return known;
    }

    @Override
    public void save(JsonNode data) {
        last = Optional.of(store.save(entryId, taskId, attempt, data));
    }
}
