package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.ErrorContent;
import io.agentfleet.messages.Ids;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageType;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.RunEventType;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.orchestrator.workflow.schedule.DeadlineMember;
import io.agentfleet.orchestrator.workflow.spec.Nesting;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import io.agentfleet.orchestrator.workflow.store.RunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The workflow rules, as pure functions of a {@link RunState}: given the state read from Redis and one happening
 * (submit, outcome, cancel, resume, deadline), it changes the state in memory and records the events and dispatches.
 * Nothing here touches Redis; {@link RunStore} commits the result atomically or retries on a concurrent change.
 */
public final class RunEngine {
    static final long LATEST_DEADLINE = RunSpec.LATEST_DEADLINE.toEpochMilli();

    private final MessageCodec codec;
    private final SpecParser parser;

    public RunEngine(MessageCodec codec, SpecParser parser) {
        this.codec = codec;
        this.parser = parser;
    }

    /** A new run with its ready tasks dispatched. */
    public RunState start(RunSpec spec, String apiKey, String tenant, String kind, Instant now) {
        String runId = Ids.newId(now.toEpochMilli());
        RunState run = RunState.create(runId, spec, apiKey, tenant, kind, now);
        touch(run, now);
        ObjectNode data = data(now);
        data.put("tasks", spec.tasks().size());
        data.put("kind", kind);
        run.event(RunEventType.RUN_STARTED, data);
        if (spec.deadline() != null) {
            run.deadlines.add(new RunState.Scheduled(
                    DeadlineMember.forRun(runId), spec.deadline().toEpochMilli()));
        }
        advance(run, now);
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
        }
        recordUsage(run, task, outcome);
        if (!wire.review()) {
            task.attempts = Math.max(task.attempts, outcome.attempt());
        }
        switch (outcome.type()) {
            case RESULT -> {
                if (wire.review()) {
                    onReview(run, task, outcome.content(), now);
                } else {
                    onResult(run, task, outcome.content(), now);
                }
            }
            case ERROR -> taskFailed(run, task, failureOf(outcome), now);
            case CLARIFICATION_NEEDED -> park(run, task, outcome.content(), "CLARIFICATION_NEEDED", now);
            case UPDATE -> {
                ObjectNode data = taskData(task, now);
                data.set("progress", outcome.content());
                run.event(RunEventType.TASK_PROGRESS, data);
            }
            case REQUEST -> {}
        }
        if (!run.status().isTerminal()) {
            resumeIfNoneWaiting(run, now);
            checkBudget(run, now);
        }
        advance(run, now);
    }

    /** Cancels a run that has not ended; returns false (changing nothing) when it has. */
    public boolean cancel(RunState run, Instant now) {
        if (run.status().isTerminal()) {
            return false;
        }
        touch(run, now);
        finish(run, RunStatus.CANCELLED, failure("CANCELLED", "cancelled through the API"), now);
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
        ObjectNode data = taskData(task, now);
        data.put("action", action);
        run.event(RunEventType.RUN_RESUMED, data);
        switch (action) {
            case "skip" -> {
                task.moveTo(TaskState.SKIPPED);
                task.completedAt = now.toEpochMilli();
                run.save(task);
                run.event(RunEventType.TASK_SKIPPED, taskData(task, now));
            }
            case "fail" -> {
                task.moveTo(TaskState.FAILED);
                task.completedAt = now.toEpochMilli();
                run.save(task);
                run.event(RunEventType.TASK_FAILED, taskData(task, now));
                finish(
                        run,
                        RunStatus.FAILED,
                        failure("FAILED_BY_HUMAN", "task " + task.id + " failed through resume"),
                        now);
                return;
            }
            default -> {
                task.revision++;
                task.answer = answer;
                dispatch(run, task, false, false, now);
            }
        }
        resumeIfNoneWaiting(run, now);
        advance(run, now);
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
        finish(run, RunStatus.FAILED, error, now);
        return true;
    }

    /** A deadline from the schedule has come: the run's, or a dispatched task's. */
    public void onDeadline(RunState run, DeadlineMember member, Instant now) {
        if (run.status().isTerminal()) {
            return;
        }
        if (member.wireId() == null) {
            touch(run, now);
            finish(run, RunStatus.DEADLINE_EXCEEDED, failure("DEADLINE_EXCEEDED", "the run's deadline passed"), now);
            return;
        }
        WireIds wire = WireIds.parse(member.wireId());
        TaskRecord task = wire == null ? null : run.task(wire.taskId());
        if (task == null || !member.wireId().equals(task.wireId) || !task.state.isInFlight()) {
            return;
        }
        touch(run, now);
        run.settled.add(task.wireId);
        taskFailed(run, task, failure("TIMEOUT", "task " + task.id + " did not finish within " + task.timeout), now);
        advance(run, now);
    }

    /**
     * The agent type whose outcome for {@code wireId} the run waits for, or null when it waits for none (the task has
     * moved on, or that revision or review is no longer current).
     */
    public static String awaitedAgent(RunState run, String wireId) {
        WireIds wire = WireIds.parse(wireId);
        TaskRecord task = wire == null || run.status().isTerminal() ? null : run.task(wire.taskId());
        if (task == null || !wireId.equals(task.wireId)) {
            return null;
        }
        if (wire.review()) {
            return task.state == TaskState.REVIEWING ? task.review.agent() : null;
        }
        return task.state == TaskState.DISPATCHED ? task.agent : null;
    }

    private void onResult(RunState run, TaskRecord task, ObjectNode output, Instant now) {
        if (task.state == TaskState.DISPATCHED && task.review != null) {
            task.candidate = output;
            dispatch(run, task, true, now);
            return;
        }
        complete(run, task, output, now);
    }

    private void onReview(RunState run, TaskRecord task, ObjectNode verdict, Instant now) {
        boolean approved = verdict.path("approved").asBoolean(false);
        String feedback =
                verdict.hasNonNull("feedback") ? verdict.get("feedback").asText() : verdict.toString();
        ObjectNode data = taskData(task, now);
        data.put("approved", approved);
        data.put("feedback", feedback);
        run.event(RunEventType.TASK_REVIEWED, data);
        if (approved) {
            complete(run, task, task.candidate, now);
        } else if (task.revision < task.review.maxRevisions()) {
            task.revision++;
            task.feedback = feedback;
            ObjectNode revised = taskData(task, now);
            revised.put("feedback", feedback);
            run.event(RunEventType.TASK_REVISED, revised);
            dispatch(run, task, false, now);
        } else if (task.review.acceptWhenExhausted()) {
            complete(run, task, task.candidate, now);
        } else {
            taskFailed(
                    run,
                    task,
                    failure("REVIEW_REJECTED", "rejected after " + task.revision + " revisions: " + feedback),
                    now);
        }
    }

    private void complete(RunState run, TaskRecord task, JsonNode output, Instant now) {
        JsonNode spawn = output == null ? null : output.get("spawn");
        if (spawn != null && !spawn.isNull()) {
            try {
                addSpawned(
                        run,
                        task,
                        parser.spawn(spawn, run.tasks().stream().map(t -> t.id).toList()),
                        now);
            } catch (InvalidMessageException e) {
                taskFailed(run, task, failure("INVALID_SPAWN", e.field() + ": " + e.reason()), now);
                return;
            }
        }
        task.moveTo(TaskState.COMPLETED);
        task.output = output;
        task.candidate = null;
        task.completedAt = now.toEpochMilli();
        run.save(task);
        run.event(RunEventType.TASK_COMPLETED, taskData(task, now));
    }

    private void addSpawned(RunState run, TaskRecord planner, List<TaskSpec> specs, Instant now) {
        Map<String, String> spawnedBy = new LinkedHashMap<>();
        run.tasks().forEach(t -> spawnedBy.put(t.id, t.spawnedBy));
        specs.forEach(s -> spawnedBy.put(s.id(), planner.id));
        Map<String, List<String>> deps = new LinkedHashMap<>();
        Map<String, String> fieldOf = new LinkedHashMap<>();
        run.tasks().forEach(t -> {
            deps.put(t.id, t.dependsOn);
            fieldOf.put(t.id, "spawn (existing task " + t.id + ")");
        });
        for (int i = 0; i < specs.size(); i++) {
            deps.put(specs.get(i).id(), specs.get(i).dependsOn());
            fieldOf.put(specs.get(i).id(), "spawn[" + i + "].dependsOn");
        }
        Map<String, List<String>> effective = new LinkedHashMap<>();
        deps.keySet().forEach(id -> effective.put(id, Dag.effectiveDeps(id, deps, spawnedBy)));
        Dag.requireAcyclic(List.copyOf(effective.keySet()), effective, fieldOf);
        ObjectNode data = taskData(planner, now);
        var ids = data.putArray("spawned");
        for (TaskSpec spec : specs) {
            run.addTask(new TaskRecord(spec, planner.id, now.toEpochMilli()));
            ids.add(spec.id());
        }
        run.event(RunEventType.TASKS_SPAWNED, data);
    }

    /** Dispatches every task whose dependencies are settled; completes the run when nothing is left. */
    void advance(RunState run, Instant now) {
        if (run.status() != RunStatus.RUNNING) {
            return;
        }
        Map<String, List<String>> effective = Dag.effectiveDeps(run);
        for (TaskRecord task : List.copyOf(run.tasks())) {
            if (run.status() != RunStatus.RUNNING) {
                return;
            }
            if (task.state == TaskState.PENDING && Dag.settled(run, effective.get(task.id))) {
                dispatch(run, task, false, now);
            }
        }
        if (run.status() == RunStatus.RUNNING && run.tasks().stream().allMatch(t -> t.state.isTerminal())) {
            finish(run, RunStatus.COMPLETED, null, now);
        }
    }

    private void dispatch(RunState run, TaskRecord task, boolean review, Instant now) {
        dispatch(run, task, review, true, now);
    }

    /** Loop detection is skipped for a human's retry: the human decided to run the same thing again. */
    private void dispatch(RunState run, TaskRecord task, boolean review, boolean checkLoop, Instant now) {
        long steps = run.steps();
        if (steps >= run.maxSteps()) {
            finish(
                    run,
                    RunStatus.MAX_STEPS_EXCEEDED,
                    failure(
                            "MAX_STEPS_EXCEEDED",
                            "dispatching " + task.id + " would be step " + (steps + 1) + " of at most "
                                    + run.maxSteps()),
                    now);
            return;
        }
        String agent = review ? task.review.agent() : task.agent;
        if (!parser.allowsAgent(run.tenant(), agent)) {
            // Submissions are checked up front; this catches tasks a planner adds.
            taskFailed(
                    run,
                    task,
                    failure(
                            "AGENT_NOT_ALLOWED",
                            "tenant '" + run.tenant() + "' may not use agent type '" + agent + "'"),
                    now);
            return;
        }
        ObjectNode content = review ? DispatchMessage.reviewContent(task) : DispatchMessage.taskContent(run, task);
        String fp = LoopDetector.fingerprint(agent, content, LoopDetector.knownCanonical(run, task, review));
        if (checkLoop && run.hasFingerprint(fp)) {
            finish(
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
        Long deadline = task.timeout == null ? null : deadlineAfter(now, task.timeout);
        RunState.OutboxEntry message;
        try {
            message = DispatchMessage.encode(codec, run, task, agent, wireId, content, review, deadline, now);
        } catch (InvalidMessageException e) {
            taskFailed(run, task, failure("INVALID_TASK", e.getMessage()), now);
            return;
        }
        if (message.message().length > codec.limits().maxBytes()) {
            taskFailed(
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
            taskFailed(
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
        run.save(task);
        run.countStep();
        run.outbox.add(message);
        if (deadline != null) {
            run.deadlines.add(new RunState.Scheduled(DeadlineMember.forTask(run.runId, wireId), deadline));
        }
        ObjectNode data = taskData(task, now);
        data.put("dispatchedTo", agent);
        data.put("review", review);
        run.event(RunEventType.TASK_DISPATCHED, data);
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

    private void taskFailed(RunState run, TaskRecord task, ObjectNode failure, Instant now) {
        task.error = failure;
        if (task.escalate) {
            park(run, task, failure, "ESCALATED", now);
            return;
        }
        task.moveTo(TaskState.FAILED);
        task.completedAt = now.toEpochMilli();
        run.save(task);
        run.event(RunEventType.TASK_FAILED, taskData(task, now));
        if (!task.optional) {
            ObjectNode error = failure.deepCopy();
            error.put("task", task.id);
            finish(run, RunStatus.FAILED, error, now);
        }
    }

    private void park(RunState run, TaskRecord task, JsonNode question, String why, Instant now) {
        task.moveTo(TaskState.WAITING_HUMAN);
        task.question = question;
        run.save(task);
        ObjectNode data = taskData(task, now);
        data.put("why", why);
        data.set("question", question);
        run.event(RunEventType.TASK_NEEDS_HUMAN, data);
        if (run.status() == RunStatus.RUNNING) {
            run.moveTo(RunStatus.NEEDS_HUMAN);
            ObjectNode parked = data(now);
            parked.put("status", RunStatus.NEEDS_HUMAN.name());
            parked.put("taskId", task.id);
            run.event(RunEventType.RUN_PARKED, parked);
        }
    }

    private static void resumeIfNoneWaiting(RunState run, Instant now) {
        if (run.status() == RunStatus.NEEDS_HUMAN
                && run.tasks().stream().noneMatch(t -> t.state == TaskState.WAITING_HUMAN)) {
            run.moveTo(RunStatus.RUNNING);
            ObjectNode data = data(now);
            data.put("status", RunStatus.RUNNING.name());
            run.event(RunEventType.RUN_RUNNING, data);
        }
    }

    private void checkBudget(RunState run, Instant now) {
        long tokens = run.tokensIn() + run.tokensOut();
        double cost = run.cost();
        Long maxTokens = run.maxTokens();
        Double maxCost = run.maxCost();
        if (maxTokens != null && tokens > maxTokens) {
            finish(
                    run,
                    RunStatus.BUDGET_EXCEEDED,
                    failure("BUDGET_EXCEEDED", "used " + tokens + " tokens, budget " + maxTokens),
                    now);
        } else if (maxCost != null && cost > maxCost) {
            finish(
                    run,
                    RunStatus.BUDGET_EXCEEDED,
                    failure("BUDGET_EXCEEDED", "cost " + cost + ", budget " + maxCost),
                    now);
        }
    }

    private static void recordUsage(RunState run, TaskRecord task, AgentMessage outcome) {
        Metadata m = outcome.metadata();
        long in = m.tokensIn() == null ? 0 : m.tokensIn();
        long out = m.tokensOut() == null ? 0 : m.tokensOut();
        double cost = m.cost() == null ? 0 : m.cost();
        if (in == 0 && out == 0 && cost == 0) {
            return;
        }
        task.tokensIn += in;
        task.tokensOut += out;
        task.cost += cost;
        run.save(task);
        run.addUsage(in, out, cost);
        run.usage.add(new RunState.Usage(run.apiKey(), run.tenant(), outcome.recipient(), in, out, cost));
    }

    private void finish(RunState run, RunStatus status, ObjectNode error, Instant now) {
        run.moveTo(status);
        run.recordFinish(now, error);
        for (TaskRecord task : run.tasks()) {
            TaskState next = switch (task.state) {
                case PENDING -> TaskState.SKIPPED;
                case DISPATCHED, REVIEWING, WAITING_HUMAN -> TaskState.CANCELLED;
                case COMPLETED, FAILED, SKIPPED, CANCELLED -> null;
            };
            if (next != null) {
                if (task.state.isInFlight()) {
                    run.settled.add(task.wireId);
                }
                task.moveTo(next);
                run.save(task);
            }
        }
        if (status != RunStatus.COMPLETED) {
            run.setCancel = true;
        }
        run.ended = true;
        ObjectNode data = data(now);
        data.put("status", status.name());
        if (error != null) {
            data.set("error", error);
        }
        run.event(RunEventType.RUN_FINISHED, data);
    }

    private static void touch(RunState run, Instant now) {
        run.touch(now);
    }

    /** The failure an ERROR reports, as the run records it: its type, message, reason and whether it was retryable. */
    private static ObjectNode failureOf(AgentMessage outcome) {
        ErrorContent content = outcome.errorContent();
        ObjectNode f = failure(content.failure().type(), content.failure().message());
        f.put("reason", content.reason().name());
        f.put("retryable", content.failure().retryable());
        return f;
    }

    public static ObjectNode failure(String type, String message) {
        ObjectNode f = JsonNodeFactory.instance.objectNode();
        f.put("type", type);
        f.put("message", message);
        return f;
    }

    private static ObjectNode data(Instant now) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("at", now.toString());
        return d;
    }

    private static ObjectNode taskData(TaskRecord task, Instant now) {
        ObjectNode d = data(now);
        d.put("taskId", task.id);
        d.put("agent", task.agent);
        d.put("state", task.state.name());
        d.put("revision", task.revision);
        if (task.wireId != null) {
            d.put("wireTaskId", task.wireId);
        }
        if (task.error != null && (task.state == TaskState.FAILED || task.state == TaskState.WAITING_HUMAN)) {
            d.set("error", task.error);
        }
        return d;
    }

    /** A resume that cannot be applied; {@code conflict} distinguishes 409 (wrong state) from 400 (bad request). */
    public static final class ResumeRejected extends RuntimeException {
        public final String field;
        public final boolean conflict;

        ResumeRejected(String field, String reason, boolean conflict) {
            super(reason);
            this.field = field;
            this.conflict = conflict;
        }
    }
}
