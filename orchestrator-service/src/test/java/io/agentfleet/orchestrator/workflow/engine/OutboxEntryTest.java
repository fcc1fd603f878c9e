package io.agentfleet.orchestrator.workflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutboxEntryTest {
    @Test
    void scheduledEntryKeepsItsDueTimeAndPartitionThroughTheOutboxHash() {
        OutboxEntry entry =
                OutboxEntry.of("coder", "w1", "{\"a\":1}").inPartition(2).dueAt(1_900_000_000_000L);
        OutboxEntry read = OutboxEntry.decode("w1", new String(entry.encoded(), StandardCharsets.UTF_8));
        assertEquals("coder", read.agent());
        assertEquals(2, read.partition());
        assertEquals(1_900_000_000_000L, read.dueAt());
        assertEquals("{\"a\":1}", read.messageText());
    }

    @Test
    void entryWrittenWithoutADueTimeIsEnqueuedAtOnce() {
        OutboxEntry read = OutboxEntry.decode("w1", "coder:3\n{\"a\":1}");
        assertEquals(3, read.partition());
        assertEquals(0, read.dueAt());
        assertEquals("{\"a\":1}", read.messageText());
    }
}
