package io.agentfleet.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentfleet.messages.Failure;
import io.agentfleet.messages.MessageCodec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How a recorded ERROR outcome becomes a typed exception, for texts written by old and new workers alike. */
class OutcomesTest {
    private static final MessageCodec CODEC = new MessageCodec();
    private static final TaskHandle HANDLE = new TaskHandle("coder", "run-9.code.r0", "1-0");

    /** As a worker wrote it before the outcome contract was typed (common-messages samples/outcomes-v1). */
    private static final String OLD_MAX_ATTEMPTS = "{\"schemaVersion\":1,\"messageId\":\"01JDQ5T0000000000000000002\","
            + "\"type\":\"ERROR\",\"taskId\":\"run-9.code.r0\",\"runId\":\"run-9\",\"sender\":\"coder\","
            + "\"recipient\":\"coder\",\"attempt\":3,\"maxAttempts\":3,\"content\":{\"reason\":\"MAX_ATTEMPTS_EXCEEDED\","
            + "\"error\":{\"type\":\"RATE_LIMITED\",\"message\":\"provider said 429\",\"retryable\":true}},"
            + "\"createdAt\":1764900001000,\"tenant\":\"team-a\"}";

    @Test
    void anOldWorkersDeadLetterOutcomeIsADeadLetteredException() {
        TaskDeadLetteredException e =
                assertThrows(TaskDeadLetteredException.class, () -> Outcomes.resultOf(HANDLE, OLD_MAX_ATTEMPTS, CODEC));
        assertEquals("MAX_ATTEMPTS_EXCEEDED", e.reason());
        assertEquals(Failure.retryable("RATE_LIMITED", "provider said 429"), e.failure());
    }

    @Test
    void theFailuresRetryAfterReachesTheCaller() {
        String recorded = OLD_MAX_ATTEMPTS.replace("\"retryable\":true}", "\"retryable\":true,\"retryAfterMs\":7000}");
        TaskDeadLetteredException e =
                assertThrows(TaskDeadLetteredException.class, () -> Outcomes.resultOf(HANDLE, recorded, CODEC));
        assertEquals(Duration.ofSeconds(7), e.failure().retryAfter());
    }

    @Test
    void aCancelledOutcomeIsACancelledException() {
        String recorded = OLD_MAX_ATTEMPTS.replace("MAX_ATTEMPTS_EXCEEDED", "CANCELLED");
        TaskFailedException e =
                assertThrows(TaskFailedException.class, () -> Outcomes.resultOf(HANDLE, recorded, CODEC));
        assertInstanceOf(TaskCancelledException.class, e);
        assertEquals("CANCELLED", e.reason());
    }

    @Test
    void aReasonThisVersionDoesNotKnowIsAPlainFailureWithReasonUnknown() {
        String recorded = OLD_MAX_ATTEMPTS.replace("MAX_ATTEMPTS_EXCEEDED", "QUOTA_EXHAUSTED");
        TaskFailedException e =
                assertThrows(TaskFailedException.class, () -> Outcomes.resultOf(HANDLE, recorded, CODEC));
        assertEquals(TaskFailedException.class, e.getClass());
        assertEquals("UNKNOWN", e.reason());
        assertEquals("RATE_LIMITED", e.failure().type());
    }
}
