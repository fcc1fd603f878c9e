package io.agentfleet.orchestrator.workflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.orchestrator.workflow.spec.Nesting;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The limits the engine applies to what it dispatches, without Redis. */
class DispatchLimitsTest {
    static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    @Test
    void aDeadlineBeyondTheLatestSaturatesInsteadOfOverflowing() {
        assertEquals(
                Dispatcher.LATEST_DEADLINE,
                Dispatcher.deadlineAfter(NOW, Duration.ofMillis(9_223_372_036_000_000_000L)));
        assertEquals(Dispatcher.LATEST_DEADLINE, Dispatcher.deadlineAfter(NOW, TaskSpec.LONGEST_TIMEOUT));
        assertEquals(Dispatcher.LATEST_DEADLINE, Dispatcher.deadlineAfter(NOW, Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals(NOW.plusSeconds(30).toEpochMilli(), Dispatcher.deadlineAfter(NOW, Duration.ofSeconds(30)));
        assertEquals(Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli(), Dispatcher.LATEST_DEADLINE);
    }

    @Test
    void aRunDeadlineBeyondTheLatestIsStoredAsTheLatest() {
        RunSpec spec = new RunSpec(List.of(), 1, null, null, NOW.plus(Duration.ofMillis(Long.MAX_VALUE)), null);
        assertEquals(RunSpec.LATEST_DEADLINE, spec.deadline());
        assertEquals(NOW, new RunSpec(List.of(), 1, null, null, NOW, null).deadline());
    }

    @Test
    void nestingOfEncodedJsonIsCountedAsTheParserCountsIt() throws Exception {
        String json = "{\"a\":[1,{\"b\":\"}}]]{{[\\\"\"}],\"c\":\"é\"}";
        assertEquals(3, Nesting.depth(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(3, Nesting.depth(new ObjectMapper().readTree(json)));
        assertEquals(0, Nesting.depth(new ObjectMapper().readTree("\"[[[\"")));
        assertEquals(1, Nesting.depth("[]".getBytes(StandardCharsets.UTF_8)));
    }
}
