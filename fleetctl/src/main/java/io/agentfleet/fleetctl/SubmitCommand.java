package io.agentfleet.fleetctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.client.FleetClient;
import io.agentfleet.client.Submission;
import io.agentfleet.client.SubmitOptions;
import io.agentfleet.client.TaskFailedException;
import io.agentfleet.client.TaskHandle;
import io.agentfleet.client.TaskResult;
import io.agentfleet.client.TaskTimeoutException;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.Priority;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        description =
                "Enqueue one task {\"input\": INPUT} for an agent type; prints its task id, with --wait its result."
                        + " With --delay or --run-at the task is scheduled: accepted now, enqueued when due"
                        + " (cancel it before then with fleetctl cancel).")
final class SubmitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "AGENT")
    String agent;

    @Option(names = "--input", required = true, paramLabel = "JSON", description = "The task input, any JSON value")
    String input;

    @Option(
            names = "--task-id",
            paramLabel = "ID",
            description = "The task id, an idempotency key: a task id already enqueued within 7 days is not enqueued"
                    + " again (the command reports where the first one is; default: a new id)")
    String taskId;

    @Option(
            names = "--partition-key",
            paramLabel = "KEY",
            description = "For a partitioned type: tasks with the same key go to the same partition, in order "
                    + "(default: round-robin)")
    String partitionKey;

    @Option(
            names = "--tenant",
            paramLabel = "TENANT",
            description = "Attribute the task to this tenant: its dead letters are then that tenant's in the "
                    + "orchestrator's API (attribution only: fleetctl writes to Redis directly)")
    String tenant;

    @Option(
            names = "--priority",
            paramLabel = "LEVEL",
            description = "high, normal (default) or low: workers serve free slots 6:3:1 by level, a level with "
                    + "nothing waiting passing its turns to the highest one that has work")
    String priority;

    @Option(
            names = "--delay",
            paramLabel = "DURATION",
            converter = Durations.class,
            description =
                    "Schedule the task to be enqueued this long after it is accepted (e.g. 30s, 2h; at most 365d)")
    Duration delay;

    @Option(
            names = "--run-at",
            paramLabel = "INSTANT",
            description = "Schedule the task to be enqueued at this ISO-8601 instant (e.g. 2030-01-01T09:00:00Z)")
    Instant runAt;

    @Option(
            names = "--wait",
            paramLabel = "DURATION",
            converter = Durations.class,
            description = "Wait this long for the outcome and print it (e.g. 30s, 2m)")
    Duration wait;

    @Override
    public Integer call() throws Exception {
        FleetCtl root = FleetCtl.root(spec);
        PrintWriter out = spec.commandLine().getOut();
        AgentMessage task = task();
        try (FleetClient client = root.connect()) {
            SubmitOptions options = options();
            // A chosen task id is enqueued at most once: running the same command again finds the first submission.
            Submission submission = taskId != null && options.due() == null
                    ? client.submitOnce(task, options)
                    : new Submission(client.submit(task, options), Submission.Status.ENQUEUED);
            TaskHandle handle = submission.handle();
            ObjectNode report = FleetCtl.JSON
                    .createObjectNode()
                    .put("agent", handle.agent())
                    .put("taskId", handle.taskId())
                    .put("entryId", handle.entryId())
                    .put("partition", handle.partition())
                    .put("submission", submission.status().name());
            if (submission.status().duplicate() && !root.json()) {
                spec.commandLine()
                        .getErr()
                        .println("task " + handle.taskId() + " was submitted before and is "
                                + submission
                                        .status()
                                        .name()
                                        .toLowerCase(Locale.ROOT)
                                        .replace('_', ' ')
                                + ": not enqueued again");
            }
            if (handle.dueAt() != null) {
                report.put("dueAt", handle.dueAt().toString());
            }
            if (!root.json()) {
                out.println(handle.taskId());
                out.flush();
            }
            int code = wait == null ? FleetCtl.OK : awaitInto(client, handle, report, out, root.json());
            if (root.json()) {
                out.println(FleetCtl.JSON.writeValueAsString(report));
                out.flush();
            }
            return code;
        }
    }

    private SubmitOptions options() {
        SubmitOptions options = partitionKey == null ? SubmitOptions.DEFAULT : SubmitOptions.partitionKey(partitionKey);
        if (delay != null && runAt != null) {
            throw new ParameterException(spec.commandLine(), "give either --delay or --run-at, not both");
        }
        try {
            return delay != null ? options.withDelay(delay) : runAt != null ? options.withRunAt(runAt) : options;
        } catch (InvalidMessageException e) {
            throw new ParameterException(
                    spec.commandLine(), "--" + (delay != null ? "delay" : "run-at") + " " + e.reason());
        }
    }

    private AgentMessage task() {
        ObjectNode content = FleetCtl.JSON.createObjectNode();
        content.set("input", parseInput());
        AgentMessage.Builder builder = AgentMessage.request(agent, content).sender("fleetctl");
        if (taskId != null) {
            builder.taskId(taskId);
        }
        if (priority != null) {
            try {
                builder.priority(Priority.fromWire("priority", priority));
            } catch (InvalidMessageException e) {
                throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
            }
        }
        if (tenant != null) {
            if (!Names.isId(tenant)) {
                throw new ParameterException(
                        spec.commandLine(), "--tenant '" + tenant + "' is not a valid id (expected " + Names.ID + ")");
            }
            builder.tenant(tenant);
        }
        return builder.build();
    }

    private JsonNode parseInput() {
        try {
            return FleetCtl.JSON.readTree(input);
        } catch (JsonProcessingException e) {
            throw new ParameterException(spec.commandLine(), "--input is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private int awaitInto(FleetClient client, TaskHandle handle, ObjectNode report, PrintWriter out, boolean json)
            throws JsonProcessingException {
        try {
            TaskResult result = client.await(handle, wait);
            report.put("status", "COMPLETED");
            report.set("output", result.output());
            report.set("usage", usage(result.usage()));
            if (!json) {
                out.println(FleetCtl.JSON.writeValueAsString(result.output()));
                out.flush();
            }
            return FleetCtl.OK;
        } catch (TaskFailedException e) {
            report.put("status", "FAILED");
            report.put("reason", e.reason());
            report.set("outcome", e.outcome() == null ? null : e.outcome().content());
            return failed(e.getMessage(), json);
        } catch (TaskTimeoutException e) {
            report.put("status", "TIMEOUT");
            return failed(e.getMessage(), json);
        }
    }

    private int failed(String message, boolean json) {
        if (!json) {
            spec.commandLine().getErr().println("fleetctl: " + message);
            spec.commandLine().getErr().flush();
        }
        return FleetCtl.FAILED;
    }

    private static ObjectNode usage(Metadata m) {
        ObjectNode node = FleetCtl.JSON.createObjectNode();
        if (m.tokensIn() != null) node.put("tokensIn", m.tokensIn());
        if (m.tokensOut() != null) node.put("tokensOut", m.tokensOut());
        if (m.cost() != null) node.put("cost", m.cost());
        if (m.model() != null) node.put("model", m.model());
        if (m.latencyMs() != null) node.put("latencyMs", m.latencyMs());
        return node;
    }
}
