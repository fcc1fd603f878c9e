package io.agentfleet.orchestrator.workflow.engine;

import static io.agentfleet.orchestrator.workflow.engine.EventData.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.ErrorContent;
import io.agentfleet.messages.Ids;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageType;
import io.agentfleet.messages.RunEventData.RunResumed;
import io.agentfleet.messages.RunEventData.RunStarted;
import io.agentfleet.messages.RunEventData.TaskFailed;
import io.agentfleet.messages.RunEventData.TaskProgress;
import io.agentfleet.messages.RunEventData.TaskSkipped;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.orchestrator.workflow.schedule.DeadlineMember;
import io.agentfleet.orchestrator.workflow.spec.Nesting;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import io.agentfleet.orchestrator.workflow.store.RunStore;
import java.time.Instant;
import java.util.List;

/**
 * The workflow rules, as pure functions of a {@link RunState}: given the state read from Redis and one happening
 * (submit, outcome, cancel, resume, deadline), it changes the state in memory and records the events and dispatches.
 * Nothing here touches Redis; {@link RunStore} commits the result atomically or retries on a concurrent change.
 */
public final class RunEngine {
    private final MessageCodec codec;
    private final Dispatcher dispatcher;
    private final ReviewLoop reviews;

    /** @param dailyBudgets checked before every dispatch: a run whose key is over its daily budget ends */
    public RunEngine(MessageCodec codec, SpecParser parser, DailyBudgetCheck dailyBudgets) {
        this.codec = codec;
        this.dispatcher = new Dispatcher(codec, parser, dailyBudgets);
        this.reviews = new ReviewLoop(dispatcher, new PlannerSpawns(parser));
    }

    /** A new run with its ready tasks dispatched. */
    public RunState start(RunSpec spec, String apiKey, String tenant, String kind, Instant now) {
        return start(spec, apiKey, tenant, kind, null, now);
    }

    /** A new run with its ready tasks dispatched; with an {@code origin}, under its run id and marked as scheduled. */
    public RunState start(RunSpec spec, String apiKey, String tenant, String kind, RunOrigin origin, Instant now) {
        String runId = origin == null ? Ids.newId(now.toEpochMilli()) : origin.runId();
        RunState run = RunState.create(runId, spec, apiKey, tenant, kind, now);
        if (origin != null && origin.scheduleId() != null) {
            run.startedBy(origin.scheduleId(), origin.scheduledFor());
        }
        return begin(run, spec, kind, now);
    }

    /** A sub-workflow task's child run, linked to its parent, with its ready tasks dispatched. */
    public RunState startChild(ChildStart child, Instant now) {
        RunState run = RunState.create(child.runId(), child.spec(), child.apiKey(), child.tenant(), "workflow", now);
        run.childOf(child.parentRun(), child.parentTask(), child.depth());
        return begin(run, child.spec(), "workflow", now);
    }

    /**
     * Settles the sub-workflow task of {@code parent} that started {@code end}'s child run: completed with the child's
     * sink outputs, or failed with the child's status as its type. A replay, or the end of a child the task no longer
     * waits for, changes nothing.
     */
    public void onChildEnded(RunState parent, ChildEnd end, Instant now) {
        if (!ChildRuns.settle(parent, end, now)) {
            return;
        }
        if (!parent.status().isTerminal()) {
            RunCompletion.resumeIfNoneWaiting(parent, now);
            RunCompletion.checkBudget(parent, now);
        }
        dispatcher.advance(parent, now);
    }

    /** How {@code child} (ended, with a parent) settles its parent's task. */
    public static ChildEnd childEnd(RunState child) {
        return ChildRuns.end(child);
    }

    /** The end that fails the parent's task of a child run that could not be started. */
    public static ChildEnd childNotStarted(ChildStart start, String reason) {
        return ChildRuns.notStarted(start, reason);
    }

    /** The child run that dispatch {@code wireId} of {@code run} waits for, or null when it waits for none. */
    public ChildStart awaitedChild(RunState run, String wireId, Instant now) {
        return dispatcher.childRuns().awaited(run, wireId, now);
    }

    /** Keeps the reconcile checks of the sub-workflow tasks whose child runs this transition cancels. */
    public static void keepChecksOfChildrenToCancel(RunState run) {
        ChildRuns.keepChecksOfChildrenToCancel(run);
    }

    /** The child run of {@code run}'s sub-workflow dispatch {@code wireId} that it no longer waits for, or null. */
    public static String orphanedChild(RunState run, String wireId) {
        return ChildRuns.orphaned(run, wireId);
    }

    /** The child runs to cancel once this transition of {@code run} is committed. */
    public static List<String> childRunsToCancel(RunState run) {
        return ChildRuns.toCancel(run);
    }

    private RunState begin(RunState run, RunSpec spec, String kind, Instant now) {
        String runId = run.runId;
        touch(run, now);
        run.event(new RunStarted(now.toString(), spec.tasks().size(), kind));
        Blackboard.init(run, spec.blackboard(), now);
        if (spec.deadline() != null) {
            run.deadlines.add(new ScheduleEntry(
                    DeadlineMember.forRun(runId), spec.deadline().toEpochMilli()));
        }
        dispatcher.advance(run, now);
        return run;
    }

    /**
     * Applies one task outcome (RESULT, ERROR, CLARIFICATION_NEEDED) read from a result stream. An outcome for a
     * revision that is no longer current, for a task that is not waiting for it, or for a finished run changes nothing,
     * so replays are harmless.
     */
    public void onOutcome(RunState run, AgentMessage outcome, Instant now) {
        WireIds wire = WireIds.parse(outcome.taskId());
        if (wire == null || !wire.runId().equals(run.runId) || run.status().isTerminal()) {
            return;
        }
        TaskRecord task = run.task(wire.taskId());
        if (task == null || !outcome.taskId().equals(task.wireId)) {
            return;
        }
        boolean awaited = wire.review() ? task.state == TaskState.REVIEWING : task.state == TaskState.DISPATCHED;
        boolean redrivenIntoParkedTask =
                !wire.review() && task.state == TaskState.WAITING_HUMAN && outcome.type() == MessageType.RESULT;
        if (!awaited && !redrivenIntoParkedTask) {
            return;
        }
        touch(run, now);
        if (outcome.type() != MessageType.UPDATE) {
            run.settled.add(outcome.taskId());
            TokenReservations.release(run, task);
        }
        TaskSettlement.recordUsage(run, task, outcome);
        if (!wire.review()) {
            task.attempts = Math.max(task.attempts, outcome.attempt());
        }
        switch (outcome.type()) {
            case RESULT -> {
                if (wire.review()) {
                    reviews.onReview(run, task, outcome.content(), now);
                } else if (BlackboardWrites.apply(run, task, outcome, now)) {
                    reviews.onResult(run, task, outcome.content(), now);
                }
            }
            case ERROR -> TaskSettlement.failed(run, task, failureOf(outcome), now);
            case CLARIFICATION_NEEDED -> TaskSettlement.park(run, task, outcome.content(), "CLARIFICATION_NEEDED", now);
            case UPDATE -> {
                run.event(new TaskProgress(now.toString(), snapshot(task), outcome.content()));
            }
            case REQUEST -> {}
        }
        if (!run.status().isTerminal()) {
            RunCompletion.resumeIfNoneWaiting(run, now);
            RunCompletion.checkBudget(run, now);
        }
        dispatcher.advance(run, now);
    }

    /** Cancels a run that has not ended; returns false (changing nothing) when it has. */
    public boolean cancel(RunState run, Instant now) {
        return cancel(run, "cancelled through the API", now);
    }

    /** Cancels a run that has not ended for the reason {@code why}; returns false (changing nothing) when it has. */
    public boolean cancel(RunState run, String why, Instant now) {
        if (run.status().isTerminal()) {
            return false;
        }
        touch(run, now);
        RunCompletion.finish(run, RunStatus.CANCELLED, failure("CANCELLED", why), now);
        return true;
    }

    /**
     * Answers a run parked in NEEDS_HUMAN.
     *
     * @param taskId the waiting task, or null when exactly one waits
     * @param action {@code retry} (run the task again with the answer), {@code skip} (dependents run without it) or
     *     {@code fail} (the run fails)
     * @throws ResumeRejected when the run or the task is not waiting, naming why
     */
    public void resume(RunState run, String taskId, JsonNode answer, String action, Instant now) {
        if (run.status() != RunStatus.NEEDS_HUMAN) {
            throw new ResumeRejected(null, "run " + run.runId + " is " + run.status() + ", not NEEDS_HUMAN", true);
        }
        List<TaskRecord> waiting = run.tasks().stream()
                .filter(t -> t.state == TaskState.WAITING_HUMAN)
                .toList();
        TaskRecord task;
        if (taskId == null) {
            if (waiting.size() != 1) {
                throw new ResumeRejected(
                        "taskId",
                        "is required when several tasks wait: "
                                + String.join(
                                        ", ", waiting.stream().map(t -> t.id).toList()),
                        false);
            }
            task = waiting.get(0);
        } else {
            task = run.task(taskId);
            if (task == null || task.state != TaskState.WAITING_HUMAN) {
                throw new ResumeRejected("taskId", "task '" + taskId + "' is not waiting for a human", task != null);
            }
        }
        requireAnswerFits(answer, action);
        touch(run, now);
        run.event(new RunResumed(now.toString(), snapshot(task), action));
        switch (action) {
            case "skip" -> {
                task.moveTo(TaskState.SKIPPED);
                task.completedAt = now.toEpochMilli();
                run.save(task);
                run.event(new TaskSkipped(now.toString(), snapshot(task)));
            }
            case "fail" -> {
                task.moveTo(TaskState.FAILED);
                task.completedAt = now.toEpochMilli();
                run.save(task);
                run.event(new TaskFailed(now.toString(), snapshot(task)));
                RunCompletion.finish(
                        run,
                        RunStatus.FAILED,
                        failure("FAILED_BY_HUMAN", "task " + task.id + " failed through resume"),
                        now);
                return;
            }
            default -> {
                task.revision++;
                task.answer = answer;
                dispatcher.dispatch(run, task, false, false, now);
            }
        }
        RunCompletion.resumeIfNoneWaiting(run, now);
        dispatcher.advance(run, now);
    }

    /** A retry's answer is sent in the task's content, so with its wrapping levels it must fit the nesting limit. */
    private void requireAnswerFits(JsonNode answer, String action) {
        int max = codec.limits().maxNestingDepth() - Nesting.INPUT_LEVELS;
        int depth = Nesting.depth(answer);
        if (action.equals("retry") && depth > max) {
            throw new ResumeRejected(
                    "answer",
                    "nests " + depth + " levels deep, more than the limit of " + max + ": the task message wraps it in "
                            + Nesting.INPUT_LEVELS + " more levels and workers accept at most "
                            + codec.limits().maxNestingDepth(),
                    false);
        }
    }

    /**
     * Ends a run that has not ended as FAILED with {@code error}, when one of its outcomes cannot be applied; returns
     * false (changing nothing) when it had ended.
     */
    public boolean fail(RunState run, ObjectNode error, Instant now) {
        if (run.status().isTerminal()) {
            return false;
        }
        touch(run, now);
        RunCompletion.finish(run, RunStatus.FAILED, error, now);
        return true;
    }

    /** A deadline from the schedule has come: the run's, or a dispatched task's. */
    public void onDeadline(RunState run, DeadlineMember member, Instant now) {
        if (run.status().isTerminal()) {
            return;
        }
        if (member.wireId() == null) {
            touch(run, now);
            RunCompletion.finish(
                    run, RunStatus.DEADLINE_EXCEEDED, failure("DEADLINE_EXCEEDED", "the run's deadline passed"), now);
            return;
        }
        WireIds wire = WireIds.parse(member.wireId());
        TaskRecord task = wire == null ? null : run.task(wire.taskId());
        if (task == null || !member.wireId().equals(task.wireId) || !task.state.isInFlight()) {
            return;
        }
        touch(run, now);
        run.settled.add(task.wireId);
        TokenReservations.release(run, task);
        TaskSettlement.failed(
                run, task, failure("TIMEOUT", "task " + task.id + " did not finish within " + task.timeout), now);
        dispatcher.advance(run, now);
    }

    /**
     * The agent type whose outcome for {@code wireId} the run waits for, or null when it waits for none (the task has
     * moved on, or that revision or review is no longer current).
     */
    public static String awaitedAgent(RunState run, String wireId) {
        WireIds wire = WireIds.parse(wireId);
        TaskRecord task = wire == null || run.status().isTerminal() ? null : run.task(wire.taskId());
        if (task == null || !wireId.equals(task.wireId) || task.workflow != null) {
            return null;
        }
        if (wire.review()) {
            return task.state == TaskState.REVIEWING ? task.review.agent() : null;
        }
        return task.state == TaskState.DISPATCHED ? task.currentAgent() : null;
    }

    private static void touch(RunState run, Instant now) {
        run.touch(now);
    }

    /** The failure an ERROR reports, as the run records it: its type, message, reason and whether it was retryable. */
    private static ObjectNode failureOf(AgentMessage outcome) {
        return outcome.errorContent().toRecordedJson();
    }

    /** A failure the engine decided itself, as the run records it: its type and message. */
    public static ObjectNode failure(String type, String message) {
        return ErrorContent.recorded(type, message);
    }
}
