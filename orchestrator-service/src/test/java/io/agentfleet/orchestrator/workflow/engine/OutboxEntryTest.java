package io.agentfleet.orchestrator.workflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentfleet.messages.Priority;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutboxEntryTest {
    @Test
    void anEntryKeepsItsPartitionAndPriorityThroughTheOutboxHash() {
        OutboxEntry entry =
                OutboxEntry.of("coder", "w1", "{\"m\":1}").inPartition(2).atPriority(Priority.HIGH);
        String stored = new String(entry.encoded(), StandardCharsets.UTF_8);
        assertEquals("coder:2 high\n{\"m\":1}", stored);
        OutboxEntry read = OutboxEntry.decode("w1", stored);
        assertEquals(2, read.partition());
        assertEquals(Priority.HIGH, read.priority());
        assertEquals("{\"m\":1}", read.messageText());
    }

    @Test
    void anEntryWrittenBeforePrioritiesReadsAsNormal() {
        OutboxEntry read = OutboxEntry.decode("w1", "coder:1\n{}");
        assertEquals(Priority.NORMAL, read.priority());
        assertEquals(1, read.partition());
        assertEquals("coder\n{}", new String(OutboxEntry.of("coder", "w1", "{}").encoded(), StandardCharsets.UTF_8));
    }

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

    @Test
    void aScheduledLowEntryKeepsItsDueTimeAndLevel() {
        OutboxEntry entry =
                OutboxEntry.of("coder", "w1", "{}").atPriority(Priority.LOW).dueAt(1_900_000_000_000L);
        OutboxEntry read = OutboxEntry.decode("w1", new String(entry.encoded(), StandardCharsets.UTF_8));
        assertEquals(Priority.LOW, read.priority());
        assertEquals(1_900_000_000_000L, read.dueAt());
    }
}
