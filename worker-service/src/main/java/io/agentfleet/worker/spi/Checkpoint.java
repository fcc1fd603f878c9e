package io.agentfleet.worker.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A task's progress as its handler last saved it with {@link TaskContext#checkpoint}.
 *
 * @param data the JSON the handler saved
 * @param attempt the attempt that saved it (lower than the current attempt when an earlier one crashed or failed)
 * @param savedAt when it was saved, by the saving worker's clock
 */
public record Checkpoint(JsonNode data, int attempt, Instant savedAt) {
    public Checkpoint {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(savedAt, "savedAt");
    }
}
