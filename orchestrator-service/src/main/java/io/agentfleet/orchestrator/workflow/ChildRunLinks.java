package io.agentfleet.orchestrator.workflow;

import io.agentfleet.messages.BackpressureException;
import io.agentfleet.orchestrator.workflow.engine.ChildEnd;
import io.agentfleet.orchestrator.workflow.engine.ChildStart;
import io.agentfleet.orchestrator.workflow.engine.RunEngine;
import io.agentfleet.orchestrator.workflow.engine.RunOrigin;
import io.agentfleet.orchestrator.workflow.engine.RunState;
import io.agentfleet.orchestrator.workflow.engine.ScheduleEntry;
import io.agentfleet.orchestrator.workflow.schedule.DeadlineMember;
import io.agentfleet.orchestrator.workflow.store.RunStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a committed transition means for sub-workflows: the child runs it starts, settles or cancels. */
final class ChildRunLinks {
    private static final Logger LOG = LoggerFactory.getLogger(ChildRunLinks.class);

    private final RunService runs;
    private final RunEngine engine;
    private final RunStore store;
    private final Clock clock;
    private final Duration reconcileAfter;

    ChildRunLinks(RunService runs, RunEngine engine, RunStore store, Clock clock, Duration reconcileAfter) {
        this.runs = runs;
        this.engine = engine;
        this.store = store;
        this.clock = clock;
        this.reconcileAfter = reconcileAfter;
    }

    /**
     * Starts the child runs of the committed transition, settles the parent's task of a child run that ended, and
     * cancels the child runs whose parent task stopped waiting for them. A crash in between is repaired by the
     * reconcile check of the parent task's dispatch ({@link #reconcile}).
     */
    void link(RunState run) {
        run.childStarts().forEach(this::startChild);
        if (run.ended() && run.parentRun() != null) {
            settleParent(RunEngine.childEnd(run));
        }
        for (String child : RunEngine.childRunsToCancel(run)) {
            cancelChild(child, run.runId());
        }
    }

    private void cancelChild(String child, String parentRun) {
        runs.transition(child, (Consumer<RunState>) r ->
                engine.cancel(r, "its parent task in run " + parentRun + " stopped waiting for it", clock.instant()));
    }

    private void startChild(ChildStart child) {
        try {
            runs.start(
                    child.spec(),
                    child.apiKey(),
                    child.tenant(),
                    "workflow",
                    RunOrigin.claimed(child.runId()),
                    now -> engine.startChild(child, now));
        } catch (RunAlreadyExists e) {
            LOG.debug("run {}: child run {} exists already", child.parentRun(), child.runId());
        } catch (DailyBudgetExceeded | RunsInFlightExceeded | BackpressureException e) {
            settleParent(RunEngine.childNotStarted(child, e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("run {}: child run {} not started yet, {}", child.parentRun(), child.runId(), e.toString());
        }
    }

    private void settleParent(ChildEnd end) {
        runs.transition(end.parentRun(), (Consumer<RunState>) p -> engine.onChildEnded(p, end, clock.instant()));
    }

    /**
     * The reconcile check of a sub-workflow task's dispatch: starts its child run when a crash lost the start, settles
     * the task when its child ended but the parent never heard, cancels the child when the parent stopped waiting for
     * it but a crash lost the cancel, else looks again later. False for any other dispatch.
     */
    boolean reconcile(DeadlineMember member) {
        RunState parent = store.load(member.runId());
        ChildStart start = parent == null ? null : engine.awaitedChild(parent, member.wireId(), clock.instant());
        if (start == null) {
            String orphan = parent == null ? null : RunEngine.orphanedChild(parent, member.wireId());
            if (orphan != null) {
                cancelChild(orphan, parent.runId());
            }
            return orphan != null;
        }
        RunState child = store.load(start.runId());
        if (child == null) {
            startChild(start);
        } else if (child.status().isTerminal()) {
            settleParent(RunEngine.childEnd(child));
            return true;
        }
        store.schedule(List.of(new ScheduleEntry(member.member(), clock.millis() + reconcileAfter.toMillis())));
        return true;
    }
}
