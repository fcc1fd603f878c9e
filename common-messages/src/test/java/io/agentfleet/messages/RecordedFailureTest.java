package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The failure a run records (and its HTTP API returns) is written by {@link ErrorContent} and reads back through it. */
class RecordedFailureTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void anErrorIsRecordedFlatWithItsReasonAndReadsBack() throws Exception {
        ErrorContent content = new ErrorContent(
                ErrorReason.MAX_ATTEMPTS_EXCEEDED, new Failure("HANDLER_ERROR", "boom", true, Duration.ofSeconds(2)));

        ObjectNode recorded = content.toRecordedJson();

        assertEquals(
                MAPPER.readTree("{\"type\":\"HANDLER_ERROR\",\"message\":\"boom\","
                        + "\"reason\":\"MAX_ATTEMPTS_EXCEEDED\",\"retryable\":true}"),
                recorded);
        assertEquals(
                new ErrorContent(ErrorReason.MAX_ATTEMPTS_EXCEEDED, Failure.retryable("HANDLER_ERROR", "boom")),
                ErrorContent.of(recorded));
    }

    @Test
    void anOrchestratorFailureIsRecordedAsTypeAndMessageOnly() throws Exception {
        ObjectNode recorded = ErrorContent.recorded("TIMEOUT", "task a did not finish within PT1S");

        assertEquals(
                MAPPER.readTree("{\"type\":\"TIMEOUT\",\"message\":\"task a did not finish within PT1S\"}"), recorded);
        assertEquals(
                new ErrorContent(
                        ErrorReason.UNKNOWN, Failure.permanent("TIMEOUT", "task a did not finish within PT1S")),
                ErrorContent.of(recorded));
    }
}
