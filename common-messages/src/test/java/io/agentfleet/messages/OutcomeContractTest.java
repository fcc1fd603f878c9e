package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The outcome contract: ERROR content, its reasons, dead-letter reasons, run statuses and run event types. The texts
 * in {@code samples/outcomes-v1} were written by the worker before this contract was typed; they must keep reading.
 */
class OutcomeContractTest {
    private static final MessageCodec CODEC = new MessageCodec();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Stream<Path> oldOutcomes() throws IOException, URISyntaxException {
        Path dir = Path.of(
                OutcomeContractTest.class.getResource("/samples/outcomes-v1").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("oldOutcomes")
    void anOutcomeAnOldWorkerWroteDecodesAndEncodesToTheSameText(Path sample) throws IOException {
        String text = Files.readString(sample).strip();
        AgentMessage outcome = CODEC.decode(text);
        assertEquals(text, CODEC.encode(outcome));
        if (outcome.type() == MessageType.ERROR) {
            ErrorContent content = outcome.errorContent();
            assertEquals(outcome.content(), content.toJson(), "the typed writer writes what the old one wrote");
            assertTrue(content.reason() != ErrorReason.UNKNOWN, "every reason an old worker wrote is known");
        }
    }

    @Test
    void oldErrorOutcomesReadAsTheirReasonAndFailure() throws IOException {
        assertEquals(
                new ErrorContent(ErrorReason.NON_RETRYABLE_FAILURE, Failure.permanent("INTENDED_FAILURE", "boom")),
                old("error-non-retryable.json"));
        assertEquals(
                new ErrorContent(
                        ErrorReason.MAX_ATTEMPTS_EXCEEDED, Failure.retryable("RATE_LIMITED", "provider said 429")),
                old("error-max-attempts-with-usage.json"));
        assertEquals(
                new ErrorContent(ErrorReason.CANCELLED, Failure.permanent("CANCELLED", "run run-9 was cancelled")),
                old("error-cancelled.json"));
        assertEquals(
                ErrorReason.DEADLINE_EXPIRED, old("error-deadline-expired.json").reason());
        assertEquals(
                new ErrorContent(
                        ErrorReason.INVALID_MESSAGE,
                        Failure.permanent("INVALID_MESSAGE", "content: is required and must be a JSON object")),
                old("error-invalid-message-bare.json"));
    }

    @Test
    void retryAfterCrossesTheWire() {
        AgentMessage task = AgentMessage.request("coder", JsonNodeFactory.instance.objectNode())
                .build();
        Failure limited = new Failure("RATE_LIMITED", "429", true, Duration.ofMillis(7_250));
        AgentMessage error =
                task.errorOf("coder", ErrorContent.deadLettered(DeadLetterReason.MAX_ATTEMPTS_EXCEEDED, limited));
        AgentMessage read = CODEC.decode(CODEC.encode(error));
        assertEquals(7_250, read.content().path("error").path("retryAfterMs").asLong());
        assertEquals(new ErrorContent(ErrorReason.MAX_ATTEMPTS_EXCEEDED, limited), read.errorContent());
    }

    @Test
    void aFailureWithoutRetryAfterIsWrittenWithoutTheField() {
        ObjectNode json = new ErrorContent(ErrorReason.CANCELLED, Failure.permanent("CANCELLED", "x")).toJson();
        assertFalse(json.path("error").has("retryAfterMs"), json.toString());
    }

    @Test
    void aReasonThisVersionDoesNotKnowReadsAsUnknownAndKeepsTheFailure() throws IOException {
        ErrorContent newer = read(
                "{\"reason\":\"QUOTA_EXHAUSTED\",\"error\":{\"type\":\"Q\",\"message\":\"m\",\"retryable\":true}}");
        assertEquals(new ErrorContent(ErrorReason.UNKNOWN, Failure.retryable("Q", "m")), newer);
        assertEquals(ErrorReason.UNKNOWN, read("{\"error\":{\"type\":\"Q\"}}").reason());
        assertEquals(
                ErrorReason.UNKNOWN,
                read("{\"reason\":null,\"error\":{\"type\":\"Q\"}}").reason());
    }

    @Test
    void anErrorWrittenByHandStillReads() throws IOException {
        assertEquals(
                new ErrorContent(ErrorReason.UNKNOWN, Failure.permanent("BAD", "the content is the failure")),
                read("{\"type\":\"BAD\",\"message\":\"the content is the failure\"}"));
        assertEquals(
                new ErrorContent(ErrorReason.CANCELLED, Failure.permanent(ErrorContent.MISSING_TYPE, "")),
                read("{\"reason\":\"CANCELLED\"}"));
        assertNull(read("{\"error\":{\"type\":\"T\",\"retryAfterMs\":\"soon\"}}")
                .failure()
                .retryAfter());
    }

    @Test
    void everyErrorReasonReadsBackAsItself() {
        for (ErrorReason reason : ErrorReason.values()) {
            ErrorContent content = new ErrorContent(reason, Failure.permanent("T", "m"));
            assertEquals(content, ErrorContent.of(content.toJson()), reason.name());
        }
    }

    @Test
    void aDeadLetteredTaskAnswersWithTheErrorReasonOfTheSameName() {
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            assertEquals(reason.name(), ErrorReason.deadLettered(reason).name());
        }
    }

    @Test
    void aDeadLetterWithAReasonThisVersionDoesNotKnowReadsAsUnknown() {
        assertEquals(DeadLetterReason.MAX_ATTEMPTS_EXCEEDED, letter(Map.of("reason", "MAX_ATTEMPTS_EXCEEDED")));
        assertEquals(DeadLetterReason.UNKNOWN, letter(Map.of("reason", "SOMETHING_NEWER")));
        assertEquals(DeadLetterReason.UNKNOWN, letter(Map.of("reason", "")));
        assertEquals(DeadLetterReason.UNKNOWN, letter(Map.of()));
    }

    @Test
    void onlyRunningAndNeedsHumanAreNotTerminal() {
        List<RunStatus> open =
                Arrays.stream(RunStatus.values()).filter(s -> !s.isTerminal()).toList();
        assertEquals(List.of(RunStatus.RUNNING, RunStatus.NEEDS_HUMAN), open);
        for (RunStatus status : RunStatus.values()) {
            assertEquals(status.isTerminal(), RunStatus.isTerminal(status.name()), status.name());
        }
        assertFalse(RunStatus.isTerminal("ARCHIVED"), "a status this version does not know is not terminal");
        assertFalse(RunStatus.isTerminal(null));
    }

    @Test
    void onlyRunFinishedEndsARunsEvents() {
        List<RunEventType> ending = Arrays.stream(RunEventType.values())
                .filter(RunEventType::endsRun)
                .toList();
        assertEquals(List.of(RunEventType.RUN_FINISHED), ending);
        assertEquals(
                RunEventType.TASK_COMPLETED,
                RunEventType.parse("TASK_COMPLETED").orElseThrow());
        assertTrue(RunEventType.parse("TASK_ARCHIVED").isEmpty());
    }

    private static ErrorContent old(String name) throws IOException {
        try (var in = OutcomeContractTest.class.getResourceAsStream("/samples/outcomes-v1/" + name)) {
            return CODEC.decode(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip())
                    .errorContent();
        }
    }

    private static ErrorContent read(String content) throws IOException {
        return ErrorContent.of((ObjectNode) MAPPER.readTree(content));
    }

    private static DeadLetterReason letter(Map<String, String> fields) {
        return DeadLetter.fromFields("1-0", "coder", fields).reason();
    }
}
