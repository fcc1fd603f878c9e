package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriorityFieldTest {
    private final MessageCodec codec = new MessageCodec();

    private static AgentMessage.Builder request() {
        return AgentMessage.request("coder", JsonNodeFactory.instance.objectNode());
    }

    @Test
    void priorityRoundTripsLowerCaseAndIsKeptThroughRetriesAndOutcomes() {
        AgentMessage task = request().priority(Priority.HIGH).build();
        String json = codec.encode(task);
        assertTrue(json.contains("\"priority\":\"high\""), json);
        assertEquals(task, codec.decode(json));
        assertEquals(
                Priority.HIGH,
                codec.decodeTask(json.getBytes(StandardCharsets.UTF_8), "coder").priority());
        assertEquals(Priority.HIGH, task.nextAttempt().priority());
        assertEquals(
                Priority.HIGH,
                task.resultOf("coder", JsonNodeFactory.instance.objectNode(), Metadata.EMPTY)
                        .priority());
        assertTrue(codec.decode(json).extensions().isEmpty(), "a known field, not an extension");
    }

    @Test
    void aMessageWithoutPriorityIsNormalAndWritesNone() {
        AgentMessage task = request().build();
        assertEquals(Priority.NORMAL, task.priority());
        assertFalse(codec.encode(task).contains("priority"), "old readers see the message they always saw");
        String old = "{\"schemaVersion\":1,\"messageId\":\"m1\",\"type\":\"REQUEST\",\"taskId\":\"t1\","
                + "\"recipient\":\"coder\",\"content\":{},\"createdAt\":1}";
        assertEquals(Priority.NORMAL, codec.decode(old).priority());
        assertEquals(
                Priority.NORMAL,
                codec.decode(old.replaceFirst("\\}$", ",\"priority\":null}")).priority());
    }

    @Test
    void aPriorityThatNamesNoLevelReadsAsNormalAndIsPassedOnUnchanged() {
        String base = codec.encode(request().build());
        for (String value : List.of("\"urgent\"", "\"HIGH\"", "5", "{\"level\":3}")) {
            String json = base.replaceFirst("\\}$", ",\"priority\":" + value + "}");
            AgentMessage decoded = codec.decode(json);
            assertEquals(Priority.NORMAL, decoded.priority(), value);
            assertEquals(json, codec.encode(decoded), "kept as the unknown field it was: " + value);
        }
        AgentMessage raised = codec.decode(base.replaceFirst("\\}$", ",\"priority\":5}")).toBuilder()
                .priority(Priority.LOW)
                .build();
        assertTrue(codec.encode(raised).endsWith("\"priority\":\"low\"}"), codec.encode(raised));
        InvalidMessageException e =
                assertThrows(InvalidMessageException.class, () -> Priority.fromWire("priority", "urgent"));
        assertEquals("priority", e.field());
        assertTrue(e.getMessage().contains("high, normal, low"), e.getMessage());
    }

    @Test
    void eachLevelHasItsOwnStreamUnderTheTypesHashTagAndNormalIsTheOriginal() {
        StreamKeys keys = StreamKeys.DEFAULT;
        assertEquals(keys.tasks("coder"), keys.tasks("coder", 0, Priority.NORMAL));
        assertEquals("fleet:{coder}:tasks:high", keys.tasks("coder", 0, Priority.HIGH));
        assertEquals("fleet:{coder:2}:tasks:low", keys.tasks("coder", 2, Priority.LOW));
        assertEquals("coder", keys.agentOf(keys.tasks("coder", 2, Priority.LOW)));
        assertEquals(2, keys.partitionOf(keys.tasks("coder", 2, Priority.LOW)));
    }

    @Test
    void enqueueWritesTheLevelsStreamAndCountsEveryLevelAndTheDelayedSetAgainstTheBound() {
        byte[] message = "{}".getBytes(StandardCharsets.UTF_8);
        ScriptCall call = FleetScripts.enqueue(
                StreamKeys.DEFAULT, "coder", 1, Priority.LOW, 10, List.of(message), List.of("t-1"));
        assertEquals(
                List.of(
                        "fleet:{coder:1}:tasks:low",
                        "fleet:{coder:1}:config",
                        "fleet:{coder:1}:tasks:high",
                        "fleet:{coder:1}:tasks",
                        "fleet:{coder:1}:delayed",
                        "fleet:{coder:1}:enqueued:t-1"),
                call.keys());
    }

    @Test
    void weightsFormARoundOfTenWithHighFirst() {
        assertEquals(Priority.ROUND, Priority.HIGH.weight() + Priority.NORMAL.weight() + Priority.LOW.weight());
        assertTrue(
                Priority.HIGH.weight() > Priority.NORMAL.weight() && Priority.NORMAL.weight() > Priority.LOW.weight());
        assertEquals(Priority.LOW, Priority.fromWire("priority", "low"));
        assertEquals(Priority.NORMAL, Priority.fromWire("priority", null));
    }
}
