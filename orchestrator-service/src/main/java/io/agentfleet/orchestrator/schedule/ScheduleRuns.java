package io.agentfleet.orchestrator.schedule;

import io.agentfleet.orchestrator.runlist.RunIndex;
import io.agentfleet.orchestrator.workflow.RunService;
import io.agentfleet.orchestrator.workflow.engine.RunOrigin;
import io.agentfleet.orchestrator.workflow.engine.RunState;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a schedule's run like any submission of its tenant (validation, allowlist, runs in flight, backpressure),
 * lists it and records it in the schedule's history.
 */
@Singleton
class ScheduleRuns {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleRuns.class);

    private final RunService runs;
    private final ScheduleTemplates templates;
    private final RunIndex index;
    private final ScheduleStore store;
    private final Clock clock;

    ScheduleRuns(RunService runs, ScheduleTemplates templates, RunIndex index, ScheduleStore store, Clock clock) {
        this.runs = runs;
        this.templates = templates;
        this.index = index;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Starts the run of {@code origin} and records it with {@code outcome}.
     *
     * @throws io.agentfleet.orchestrator.workflow.RunAlreadyExists when the tick's run was started already
     * @throws RuntimeException what a submission throws when it is refused (runs in flight, backpressure, the
     *     template no longer valid)
     */
    RunState start(Schedule s, RunOrigin origin, TickRecord.Outcome outcome) {
        RunSpec spec = templates.parse(s.kind(), s.template(), s.tenant(), clock.instant());
        RunState run = runs.submit(spec, s.apiKey(), s.tenant(), s.kind(), origin);
        try {
            index.add(run.runId(), s.tenant());
        } catch (RuntimeException e) {
            LOG.warn("run {} was created but could not be added to the run list: {}", run.runId(), e.toString());
        }
        store.record(s.id(), new TickRecord(origin.scheduledFor().toEpochMilli(), outcome, run.runId(), null));
        return run;
    }

    /**
     * Finishes what the replica that created the tick's run may not have done before it died: listing the run and
     * recording the tick (unless it was recorded).
     */
    void adopt(Schedule s, RunOrigin origin) {
        index.add(origin.runId(), s.tenant());
        boolean recorded =
                store.history(s.id()).stream().anyMatch(t -> origin.runId().equals(t.runId()));
        if (!recorded) {
            store.record(
                    s.id(),
                    new TickRecord(
                            origin.scheduledFor().toEpochMilli(), TickRecord.Outcome.STARTED, origin.runId(), null));
        }
    }
}
