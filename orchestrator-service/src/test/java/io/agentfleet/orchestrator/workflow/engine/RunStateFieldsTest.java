package io.agentfleet.orchestrator.workflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.agentfleet.messages.TraceContext;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run's typed fields read and write the same Redis hash fields as before. */
class RunStateFieldsTest {
    static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    static RunState run(Long maxTokens, Double maxCost, TraceContext trace) {
        TaskSpec task = new TaskSpec("a", "echo", TextNode.valueOf("x"), List.of(), null, false, false, null, 0);
        RunSpec spec = new RunSpec(List.of(task), 7, maxTokens, maxCost, null, trace);
        return RunState.create("r1", spec, "key-1", "acme", "workflow", NOW);
    }

    @Test
    void stepsUsageAndTimesAreStoredUnderTheirHashFields() {
        RunState run = run(100L, 2.5, new TraceContext(TRACEPARENT, "k=v"));
        run.countStep();
        run.countStep();
        run.spend().addUsage(10, 5, 0.25);
        run.spend().addUsage(1, 2, 0.5);
        run.touch(NOW.plusSeconds(1));
        run.recordFinish(NOW.plusSeconds(2), RunEngine.failure("X", "y"));

        Map<String, String> stored = run.committedFields(3);
        assertEquals("2", stored.get("steps"));
        assertEquals("7", stored.get("maxSteps"));
        assertEquals("11", stored.get("tokensIn"));
        assertEquals("7", stored.get("tokensOut"));
        assertEquals("0.75", stored.get("cost"));
        assertEquals("100", stored.get("maxTokens"));
        assertEquals("2.5", stored.get("maxCost"));
        assertEquals("key-1", stored.get("apiKey"));
        assertEquals(Long.toString(NOW.toEpochMilli()), stored.get("createdAt"));
        assertEquals(Long.toString(NOW.plusSeconds(1).toEpochMilli()), stored.get("updatedAt"));
        assertEquals(Long.toString(NOW.plusSeconds(2).toEpochMilli()), stored.get("finishedAt"));
        assertEquals("{\"type\":\"X\",\"message\":\"y\"}", stored.get("error"));
        assertEquals(TRACEPARENT, stored.get("traceparent"));
        assertEquals("k=v", stored.get("tracestate"));

        RunState loaded = RunState.load("r1", stored, new ObjectMapper());
        assertEquals(2, loaded.steps());
        assertEquals(7, loaded.maxSteps());
        assertEquals(11, loaded.spend().tokensIn());
        assertEquals(7, loaded.spend().tokensOut());
        assertEquals(0.75, loaded.spend().cost());
        assertEquals(100L, loaded.spend().maxTokens());
        assertEquals(2.5, loaded.spend().maxCost());
        assertEquals("key-1", loaded.apiKey());
        assertEquals(NOW.toEpochMilli(), loaded.createdAt());
        assertEquals(NOW.plusSeconds(2).toEpochMilli(), loaded.finishedAt());
        assertEquals(new TraceContext(TRACEPARENT, "k=v"), loaded.trace());
    }

    @Test
    void aRunWithoutBudgetTraceOrEndReadsAsNoneAndZero() {
        RunState run = RunState.load("r1", run(null, null, null).committedFields(1), new ObjectMapper());
        assertNull(run.spend().maxTokens());
        assertNull(run.spend().maxCost());
        assertNull(run.trace());
        assertEquals(0, run.finishedAt());
        assertEquals(0, run.spend().tokensIn());
        assertEquals(0.0, run.spend().cost());
    }
}
