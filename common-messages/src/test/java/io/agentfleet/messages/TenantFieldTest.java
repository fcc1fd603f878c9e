package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantFieldTest {
    private final MessageCodec codec = new MessageCodec();

    private static AgentMessage.Builder request() {
        return AgentMessage.request("coder", JsonNodeFactory.instance.objectNode());
    }

    @Test
    void tenantRoundTripsAndIsKeptThroughRetriesAndOutcomes() {
        AgentMessage task = request().tenant("team-a").build();
        String json = codec.encode(task);
        assertTrue(json.contains("\"tenant\":\"team-a\""), json);
        assertEquals(task, codec.decode(json));
        assertEquals("team-a", task.nextAttempt().tenant());
        assertEquals(
                "team-a",
                task.resultOf("coder", JsonNodeFactory.instance.objectNode(), Metadata.EMPTY)
                        .tenant());
        assertEquals(
                "team-a",
                task.errorOf("coder", new ErrorContent(ErrorReason.CANCELLED, Failure.permanent("X", "y")))
                        .tenant());
        assertTrue(codec.decode(json).extensions().isEmpty(), "a known field, not an extension");
    }

    @Test
    void aMessageWithoutTenantHasNoneAndWritesNone() {
        AgentMessage task = request().build();
        assertNull(task.tenant());
        assertTrue(!codec.encode(task).contains("tenant"));
    }

    @Test
    void anInvalidTenantIsRefusedNamingTheField() {
        InvalidMessageException e = assertThrows(
                InvalidMessageException.class, () -> request().tenant("team a").build());
        assertEquals("tenant", e.field());
        String json = codec.encode(request().build()).replace("\"createdAt\"", "\"tenant\":\"a|b\",\"createdAt\"");
        assertEquals(
                "tenant",
                assertThrows(InvalidMessageException.class, () -> codec.decode(json))
                        .field());
    }

    @Test
    void tenantOfReadsTheTopLevelFieldEvenOfAMessageThatFailsValidation() {
        String deep = "{\"content\":" + "[".repeat(200) + "]".repeat(200) + ",\"tenant\":\"team-b\"}";
        assertEquals("team-b", DeadLetter.tenantOf(deep));
        assertEquals("", DeadLetter.tenantOf("{\"content\":{\"tenant\":\"nested\"}}"), "only the top level counts");
        assertEquals("", DeadLetter.tenantOf("{not json"));
        assertEquals("", DeadLetter.tenantOf("{\"tenant\":\"a b\"}"), "an invalid tenant attributes nothing");
        assertEquals("", DeadLetter.tenantOf("{\"tenant\":7}"));
        assertEquals("", DeadLetter.tenantOf(""));
    }

    @Test
    void aDeadLetterReadsItsTenantField() {
        DeadLetter letter = DeadLetter.fromFields("1-1", "coder", Map.of("taskId", "t", "tenant", "team-a"));
        assertEquals("team-a", letter.tenant());
        assertEquals("", DeadLetter.fromFields("1-1", "coder", Map.of()).tenant());
    }
}
