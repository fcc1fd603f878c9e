package io.agentfleet.orchestrator.workflow;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.orchestrator.workflow.engine.RunEngine;
import io.agentfleet.orchestrator.workflow.engine.RunState;
import io.agentfleet.orchestrator.workflow.store.RunStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcome a worker recorded in a task's done key, applied when the orchestrator never read it from the result
 * stream (the entry was trimmed first): exactly as the result consumer would have, so a later replay changes nothing.
 */
final class RecordedOutcomes {
    private static final Logger LOG = LoggerFactory.getLogger(RecordedOutcomes.class);

    /** What {@link #apply} found. */
    enum Found {
        NOT_AWAITED,
        NONE,
        APPLIED
    }

    private final RunService runs;
    private final RunStore store;
    private final MeterRegistry metrics;

    RecordedOutcomes(RunService runs, RunStore store, MeterRegistry metrics) {
        this.runs = runs;
        this.store = store;
        this.metrics = metrics;
    }

    Found apply(String runId, String wireId) {
        RunState run = store.load(runId);
        String agent = run == null ? null : RunEngine.awaitedAgent(run, wireId);
        if (agent == null) {
            return Found.NOT_AWAITED;
        }
        AgentMessage outcome = store.recordedOutcome(agent, wireId);
        if (outcome == null) {
            return Found.NONE;
        }
        LOG.info("run {}: applying the recorded outcome of task {}, never read from its result stream", runId, wireId);
        metrics.counter("fleet.orchestrator.outcomes.reconciled", "agent", agent)
                .increment();
        runs.applyOutcomes(runId, List.of(outcome), false);
        return Found.APPLIED;
    }
}
