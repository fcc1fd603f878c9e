package io.agentfleet.orchestrator.workflow.engine;

import static io.agentfleet.orchestrator.workflow.engine.EventData.snapshot;
import static io.agentfleet.orchestrator.workflow.engine.RunEngine.failure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.RunEventData.TaskDispatched;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.orchestrator.workflow.schedule.DeadlineMember;
import io.agentfleet.orchestrator.workflow.spec.Nesting;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Sends ready tasks to their agents: checks the run's step limit, the tenant's agent types, loops and the message
 * limits, then records the dispatch in the outbox with its deadline. Completes the run when no task is left.
 */
final class Dispatcher {
    static final long LATEST_DEADLINE = RunSpec.LATEST_DEADLINE.toEpochMilli();

    private final MessageCodec codec;
    private final SpecParser parser;
    private final DailyBudgetCheck dailyBudgets;
    private final AgentLoop agentLoops;
    private final ChildRuns childRuns;

    Dispatcher(MessageCodec codec, SpecParser parser, DailyBudgetCheck dailyBudgets) {
        this.codec = codec;
        this.parser = parser;
        this.dailyBudgets = dailyBudgets;
        this.agentLoops = new AgentLoop(this);
        this.childRuns = new ChildRuns(parser);
    }

    ChildRuns childRuns() {
        return childRuns;
    }

    /** Dispatches every task whose dependencies are settled; completes the run when nothing is left. */
    void advance(RunState run, Instant now) {
        if (run.status() != RunStatus.RUNNING) {
            return;
        }
        agentLoops.advance(run, now);
        Map<String, List<String>> effective = Dag.effectiveDeps(run);
        for (TaskRecord task : List.copyOf(run.tasks())) {
            if (run.status() != RunStatus.RUNNING) {
                return;
            }
            List<String> deps = effective.get(task.id);
            if (task.state == TaskState.PENDING
                    && Teams.ready(run, task, deps)
                    && Edges.release(run, task, deps, now)
                    && Teams.release(run, task, now)) {
                dispatch(run, task, false, now);
            }
        }
        if (run.status() == RunStatus.RUNNING && run.tasks().stream().allMatch(t -> t.state.isTerminal())) {
            RunCompletion.finish(run, RunStatus.COMPLETED, null, now);
        }
    }

    void dispatch(RunState run, TaskRecord task, boolean review, Instant now) {
        dispatch(run, task, review, true, now);
    }

    /** Loop detection is skipped for a human's retry: the human decided to run the same thing again. */
    void dispatch(RunState run, TaskRecord task, boolean review, boolean checkLoop, Instant now) {
        if (task.agentLoop != null && !review) {
            agentLoops.start(run, task, now);
            return;
        }
        long steps = run.steps();
        if (steps >= run.maxSteps()) {
            RunCompletion.finish(
                    run,
                    RunStatus.MAX_STEPS_EXCEEDED,
                    failure(
                            "MAX_STEPS_EXCEEDED",
                            "dispatching " + task.id + " would be step " + (steps + 1) + " of at most "
                                    + run.maxSteps()),
                    now);
            return;
        }
        String overDaily = dailyBudgets.refusal(
                run.apiKey(),
                run.usage.stream().mapToLong(u -> u.tokensIn() + u.tokensOut()).sum(),
                run.usage.stream().mapToDouble(UsageDelta::cost).sum(),
                now);
        if (overDaily != null) {
            RunCompletion.finish(run, RunStatus.BUDGET_EXCEEDED, failure("DAILY_BUDGET_EXCEEDED", overDaily), now);
            return;
        }
        if (task.workflow != null) {
            childRuns.dispatch(run, task, now);
            return;
        }
        String agent = review ? task.review.agent() : task.currentAgent();
        if (!parser.allowsAgent(run.tenant(), agent)) {
            // Submissions are checked up front; this catches tasks a planner adds.
            TaskSettlement.failed(
                    run,
                    task,
                    failure(
                            "AGENT_NOT_ALLOWED",
                            "tenant '" + run.tenant() + "' may not use agent type '" + agent + "'"),
                    now);
            return;
        }
        long reservation = TokenReservations.amount(parser, task, agent, review);
        if (!TokenReservations.fits(run, reservation)) {
            if (!TokenReservations.waits(run, task)) {
                RunCompletion.finish(
                        run,
                        RunStatus.BUDGET_EXCEEDED,
                        failure("BUDGET_EXCEEDED", TokenReservations.refusal(run, task, review, reservation)),
                        now);
            }
            return;
        }
        ObjectNode content = review ? DispatchMessage.reviewContent(task) : DispatchMessage.taskContent(run, task);
        if (reservation > 0) {
            content.put("maxTokens", reservation);
        }
        String fp = LoopDetector.fingerprint(agent, content, LoopDetector.knownCanonical(run, task, review));
        if (checkLoop && run.hasFingerprint(fp)) {
            RunCompletion.finish(
                    run,
                    RunStatus.LOOP_DETECTED,
                    failure(
                            "LOOP_DETECTED",
                            "task " + task.id + (review ? " (review)" : "") + " would send agent '" + agent
                                    + "' the same input as task " + run.fingerprintOwner(fp) + " did"),
                    now);
            return;
        }
        String wireId = WireIds.of(run.runId, task.id, task.revision, review);
        // A scheduled run's first tasks wait for its start, and their timeouts count from it.
        long dueAt = run.startAt() > now.toEpochMilli() ? run.startAt() : 0;
        Instant from = dueAt > 0 ? Instant.ofEpochMilli(dueAt) : now;
        Long deadline = task.timeout == null ? null : deadlineAfter(from, task.timeout);
        OutboxEntry message;
        try {
            message = DispatchMessage.encode(codec, run, task, agent, wireId, content, review, deadline, now);
        } catch (InvalidMessageException e) {
            TaskSettlement.failed(run, task, failure("INVALID_TASK", e.getMessage()), now);
            return;
        }
        if (message.message().length > codec.limits().maxBytes()) {
            TaskSettlement.failed(
                    run,
                    task,
                    failure(
                            "PAYLOAD_TOO_LARGE",
                            "the task message with its context is larger than "
                                    + codec.limits().maxBytes() + " bytes"),
                    now);
            return;
        }
        int depth = Nesting.depth(message.message());
        if (depth > codec.limits().maxNestingDepth()) {
            TaskSettlement.failed(
                    run,
                    task,
                    failure(
                            "NESTING_TOO_DEEP",
                            "the task message with its context would nest " + depth
                                    + " levels deep, more than the limit of "
                                    + codec.limits().maxNestingDepth()
                                    + " workers accept (an input is nested " + Nesting.INPUT_LEVELS
                                    + " levels deeper in the message, a dependency's output "
                                    + Nesting.CONTEXT_LEVELS + ")"),
                    now);
            return;
        }
        run.addFingerprint(fp, task.id);
        task.moveTo(review ? TaskState.REVIEWING : TaskState.DISPATCHED);
        task.wireId = wireId;
        task.dispatches++;
        task.dispatchedAt = now.toEpochMilli();
        TokenReservations.reserve(run, task, reservation);
        run.save(task);
        run.countStep();
        run.outbox.add(message.dueAt(dueAt));
        if (deadline != null) {
            run.deadlines.add(new ScheduleEntry(DeadlineMember.forTask(run.runId, wireId), deadline));
        }
        run.event(new TaskDispatched(now.toString(), snapshot(task), agent, review));
    }

    /**
     * The deadline {@code timeout} after {@code now}, saturated at {@link #LATEST_DEADLINE}: a timeout too long for an
     * epoch-millisecond deadline means no practical deadline, not an overflow on every dispatch.
     */
    static long deadlineAfter(Instant now, Duration timeout) {
        Duration left = Duration.ofMillis(LATEST_DEADLINE - now.toEpochMilli());
        return timeout.compareTo(left) >= 0
                ? LATEST_DEADLINE
                : now.plus(timeout).toEpochMilli();
    }
}
