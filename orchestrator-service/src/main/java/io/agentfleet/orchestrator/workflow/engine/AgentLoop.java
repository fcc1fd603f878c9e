package io.agentfleet.orchestrator.workflow.engine;

import static io.agentfleet.orchestrator.workflow.engine.EventData.snapshot;
import static io.agentfleet.orchestrator.workflow.engine.RunEngine.failure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.RunEventData.TaskDispatched;
import io.agentfleet.messages.RunEventData.TaskProgress;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.orchestrator.workflow.agentloop.AgentLoopIds;
import io.agentfleet.orchestrator.workflow.agentloop.AgentLoopSpec;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable agent loop: an agent task ({@code tools}, {@code maxTurns}) waits, DISPATCHED without a wire id, while its
 * loop runs as tasks of the run. A model turn is a task of the agent's type ({@code <id>@t<n>}); each tool call it
 * returns becomes a task of the tool's type ({@code <id>@t<n>@c<i>}), all dispatched in the same transition; when they
 * have settled the next turn carries their results. The loop ends with a turn that asks for no tool (its output is the
 * task's), a failed turn, {@code maxTurns}, or the run's own guards (steps, budget, loop detection, deadline).
 *
 * <p>Every step is derived from the run's stored tasks ({@link #advance}), never from the outcome that triggered it, so
 * a transition replayed after a crash finds the steps already taken and repeats none.
 */
final class AgentLoop {
    private final Dispatcher dispatcher;

    AgentLoop(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** Starts the loop of a ready agent task with its first turn. */
    void start(RunState run, TaskRecord task, Instant now) {
        task.moveTo(TaskState.DISPATCHED);
        task.dispatches++;
        task.dispatchedAt = now.toEpochMilli();
        run.save(task);
        run.event(new TaskDispatched(now.toString(), snapshot(task), task.agent, false));
        add(run, turnSpec(task, 1), now);
        progress(run, task, now);
    }

    /** Moves every waiting agent task of the run on as far as its settled turns and tool calls allow. */
    void advance(RunState run, Instant now) {
        for (TaskRecord task : List.copyOf(run.tasks())) {
            if (task.agentLoop != null && task.state == TaskState.DISPATCHED) {
                progress(run, task, now);
            }
        }
    }

    private void progress(RunState run, TaskRecord agent, Instant now) {
        // Each pass either waits or takes one step; a step whose dispatch failed at once is followed up here.
        for (int steps = 0; steps <= 2 * agent.agentLoop.maxTurns() + 1; steps++) {
            if (run.status() != RunStatus.RUNNING || agent.state != TaskState.DISPATCHED || !step(run, agent, now)) {
                return;
            }
        }
    }

    /** Takes the loop's next step if its current turn (or that turn's tool calls) has settled; false while waiting. */
    private boolean step(RunState run, TaskRecord agent, Instant now) {
        int n = currentTurn(run, agent);
        TaskRecord turn = run.task(AgentLoopIds.turn(agent.id, n));
        if (turn == null || !turn.state.isTerminal()) {
            return false;
        }
        if (turn.state != TaskState.COMPLETED) {
            TaskSettlement.failed(
                    run,
                    agent,
                    failure(
                            "AGENT_TURN_FAILED",
                            "turn " + n + " of agent task " + agent.id + " ended " + turn.state + ": " + turn.error),
                    now);
            return true;
        }
        JsonNode calls = turn.output == null ? null : turn.output.get("toolCalls");
        if (calls == null || !calls.isArray() || calls.isEmpty()) {
            finish(run, agent, turn, n, now);
            return true;
        }
        if (run.task(AgentLoopIds.call(agent.id, n, 0)) == null) {
            callTools(run, agent, turn, n, calls, now);
            return true;
        }
        List<TaskRecord> called = callsOf(run, agent, n, calls.size());
        if (!called.stream().allMatch(t -> t.state.isTerminal())) {
            return false;
        }
        called.forEach(call -> report(run, agent, call, n, now));
        add(run, turnSpec(agent, n + 1), now);
        return true;
    }

    private void callTools(RunState run, TaskRecord agent, TaskRecord turn, int n, JsonNode calls, Instant now) {
        report(run, agent, turn, n, now);
        if (n >= agent.agentLoop.maxTurns()) {
            TaskSettlement.failed(
                    run,
                    agent,
                    failure(
                            "MAX_TURNS_EXCEEDED",
                            "agent task " + agent.id + " still asked for tools in turn " + n + ", its last (maxTurns "
                                    + agent.agentLoop.maxTurns() + ")"),
                    now);
            return;
        }
        if (calls.size() > AgentLoopSpec.MAX_CALLS_PER_TURN) {
            TaskSettlement.failed(
                    run,
                    agent,
                    failure(
                            "INVALID_TOOL_CALL",
                            "turn " + n + " of agent task " + agent.id + " asked for " + calls.size()
                                    + " tool calls, more than the limit of " + AgentLoopSpec.MAX_CALLS_PER_TURN),
                    now);
            return;
        }
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String name = call.path("name").asText();
            JsonNode arguments = call.path("arguments");
            if (!agent.agentLoop.offers(name) || !arguments.isObject()) {
                TaskSettlement.failed(
                        run,
                        agent,
                        failure(
                                "INVALID_TOOL_CALL",
                                "turn " + n + " of agent task " + agent.id + " called "
                                        + (agent.agentLoop.offers(name)
                                                ? "tool '" + name + "' with arguments that are not a JSON object"
                                                : "'" + name + "', which is not one of its tools")),
                        now);
                return;
            }
            specs.add(new TaskSpec(
                    AgentLoopIds.call(agent.id, n, i),
                    name,
                    arguments,
                    List.of(),
                    null,
                    true,
                    false,
                    agent.timeout,
                    agent.maxAttempts));
        }
        // All in one transition: the tool tasks go out together and run in parallel.
        specs.forEach(spec -> run.addTask(new TaskRecord(spec, null, now.toEpochMilli())));
        for (TaskSpec spec : specs) {
            if (run.status() == RunStatus.RUNNING) {
                dispatcher.dispatch(run, run.task(spec.id()), false, now);
            }
        }
    }

    private void finish(RunState run, TaskRecord agent, TaskRecord turn, int n, Instant now) {
        report(run, agent, turn, n, now);
        ObjectNode output = turn.output.isObject()
                ? ((ObjectNode) turn.output).deepCopy()
                : JsonNodeFactory.instance.objectNode().set("text", turn.output);
        output.remove("toolCalls");
        output.put("turns", n);
        TaskSettlement.completed(run, agent, output, now);
    }

    private void add(RunState run, TaskSpec spec, Instant now) {
        TaskRecord task = new TaskRecord(spec, null, now.toEpochMilli());
        run.addTask(task);
        dispatcher.dispatch(run, task, false, now);
    }

    /** A model turn: the agent's type, input and caps; optional, so that the loop (not the run) decides on failure. */
    private static TaskSpec turnSpec(TaskRecord agent, int n) {
        return new TaskSpec(
                AgentLoopIds.turn(agent.id, n),
                agent.agent,
                agent.input,
                List.of(),
                null,
                true,
                false,
                agent.timeout,
                agent.maxAttempts,
                agent.maxTokens);
    }

    /** An event on the agent task for a settled turn or tool call, with its usage; its usage is added to the agent's. */
    private static void report(RunState run, TaskRecord agent, TaskRecord step, int n, Instant now) {
        ObjectNode progress = JsonNodeFactory.instance.objectNode();
        AgentLoopIds ids = AgentLoopIds.parse(step.id);
        progress.put("agentLoop", ids.isTurn() ? "turn" : "toolCall");
        progress.put("turn", n);
        progress.put("task", step.id);
        progress.put("agent", step.agent);
        progress.put("state", step.state.name());
        if (ids.isTurn() && step.output != null && step.output.has("toolCalls")) {
            progress.put("toolCalls", step.output.get("toolCalls").size());
        }
        progress.put("tokensIn", step.tokensIn);
        progress.put("tokensOut", step.tokensOut);
        progress.put("cost", step.cost);
        agent.tokensIn += step.tokensIn;
        agent.tokensOut += step.tokensOut;
        agent.cost += step.cost;
        run.save(agent);
        run.event(new TaskProgress(now.toString(), snapshot(agent), progress));
    }

    private static int currentTurn(RunState run, TaskRecord agent) {
        int n = 1;
        while (run.task(AgentLoopIds.turn(agent.id, n + 1)) != null) {
            n++;
        }
        return n;
    }

    static List<TaskRecord> callsOf(RunState run, TaskRecord agent, int n, int count) {
        List<TaskRecord> called = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TaskRecord call = run.task(AgentLoopIds.call(agent.id, n, i));
            if (call != null) {
                called.add(call);
            }
        }
        return called;
    }
}
