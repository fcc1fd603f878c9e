package io.agentfleet.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.Due;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A workflow to submit with {@link FleetClient#submitWorkflow(Workflow)}: a DAG of tasks plus run limits. It builds
 * the body of {@code POST /v1/workflows}; the orchestrator validates it (ids, agent types, dependencies, cycles, sizes)
 * and answers a bad one with an {@link io.agentfleet.messages.InvalidMessageException} naming the field.
 *
 * <pre>{@code
 * Workflow flow = Workflow.builder()
 *         .task("research", "researcher", input)
 *         .task("code", "coder", input, Workflow.dependsOn("research"))
 *         .maxSteps(20)
 *         .budget(200_000, 2.5)
 *         .build();
 * }</pre>
 *
 * @param tasks the tasks, in submission order
 * @param maxSteps most dispatches of the run, null for the orchestrator's default
 * @param maxTokens token budget, null for none
 * @param maxCost cost budget, null for none
 * @param deadline how long the run may take from its start (submission, or {@code start} when scheduled), null for none
 * @param start when the run's first tasks are due ({@code delay} or {@code runAt} of the request), null for at once
 */
public record Workflow(
        List<Task> tasks, Integer maxSteps, Long maxTokens, Double maxCost, Duration deadline, Due start) {

    /**
     * One task of a workflow.
     *
     * @param id the task id, unique in the run ({@code [A-Za-z0-9_-]{1,64}})
     * @param agent the agent type that runs it
     * @param input any JSON, passed to the agent as {@code content.input}; null for {@code {}}
     * @param dependsOn ids of the tasks whose outputs it needs
     * @param optional whether the run goes on when it fails
     * @param timeout how long one dispatch may take, null for the default
     * @param maxAttempts attempts before the task fails, null for the default
     */
    public record Task(
            String id,
            String agent,
            JsonNode input,
            List<String> dependsOn,
            boolean optional,
            Duration timeout,
            Integer maxAttempts) {
        public Task {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(agent, "agent");
            dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        }

        /** A task with no dependencies and default settings. */
        public static Task of(String id, String agent, JsonNode input) {
            return new Task(id, agent, input, List.of(), false, null, null);
        }

        public Task withDependsOn(List<String> ids) {
            return new Task(id, agent, input, ids, optional, timeout, maxAttempts);
        }

        public Task withOptional(boolean value) {
            return new Task(id, agent, input, dependsOn, value, timeout, maxAttempts);
        }

        public Task withTimeout(Duration value) {
            return new Task(id, agent, input, dependsOn, optional, value, maxAttempts);
        }

        public Task withMaxAttempts(int value) {
            return new Task(id, agent, input, dependsOn, optional, timeout, value);
        }

        ObjectNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("id", id);
            node.put("agent", agent);
            if (input != null) {
                node.set("input", input);
            }
            if (!dependsOn.isEmpty()) {
                ArrayNode deps = node.putArray("dependsOn");
                dependsOn.forEach(deps::add);
            }
            if (optional) {
                node.put("optional", true);
            }
            if (timeout != null) {
                node.put("timeout", timeout.toString());
            }
            if (maxAttempts != null) {
                node.put("maxAttempts", maxAttempts);
            }
            return node;
        }
    }

    public Workflow {
        Objects.requireNonNull(tasks, "tasks");
        tasks = List.copyOf(tasks);
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("a workflow needs at least one task");
        }
    }

    /** A workflow that starts at once. */
    public Workflow(List<Task> tasks, Integer maxSteps, Long maxTokens, Double maxCost, Duration deadline) {
        this(tasks, maxSteps, maxTokens, maxCost, deadline, null);
    }

    /** Readable shorthand for a task's dependencies: {@code task("code", "coder", input, dependsOn("research"))}. */
    public static List<String> dependsOn(String... taskIds) {
        return List.of(taskIds);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The request body of {@code POST /v1/workflows}. */
    public ObjectNode toJson() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (maxSteps != null) {
            body.put("maxSteps", maxSteps);
        }
        if (maxTokens != null || maxCost != null) {
            ObjectNode budget = body.putObject("budget");
            if (maxTokens != null) {
                budget.put("maxTokens", maxTokens);
            }
            if (maxCost != null) {
                budget.put("maxCost", maxCost);
            }
        }
        if (deadline != null) {
            body.put("deadline", deadline.toString());
        }
        if (start != null && start.delay() != null) {
            body.put("delay", start.delay().toString());
        }
        if (start != null && start.at() != null) {
            body.put("runAt", start.at().toString());
        }
        ArrayNode list = body.putArray("tasks");
        tasks.forEach(task -> list.add(task.toJson()));
        return body;
    }

    /** Mutable builder. Not thread-safe. */
    public static final class Builder {
        private final List<Task> tasks = new ArrayList<>();
        private Integer maxSteps;
        private Long maxTokens;
        private Double maxCost;
        private Duration deadline;
        private Due start;

        private Builder() {}

        public Builder task(String id, String agent, JsonNode input) {
            return task(Task.of(id, agent, input));
        }

        public Builder task(String id, String agent, JsonNode input, List<String> dependsOn) {
            return task(Task.of(id, agent, input).withDependsOn(dependsOn));
        }

        public Builder task(Task task) {
            tasks.add(Objects.requireNonNull(task, "task"));
            return this;
        }

        public Builder maxSteps(int value) {
            this.maxSteps = value;
            return this;
        }

        public Builder budget(long maxTokens, double maxCost) {
            this.maxTokens = maxTokens;
            this.maxCost = maxCost;
            return this;
        }

        public Builder maxTokens(long value) {
            this.maxTokens = value;
            return this;
        }

        public Builder maxCost(double value) {
            this.maxCost = value;
            return this;
        }

        public Builder deadline(Duration value) {
            this.deadline = value;
            return this;
        }

        /**
         * Schedules the run: its first tasks are enqueued {@code value} after the orchestrator accepts it.
         *
         * @throws io.agentfleet.messages.InvalidMessageException when negative or more than {@link Due#MAX_AHEAD}
         */
        public Builder delay(Duration value) {
            this.start = Due.in(value);
            return this;
        }

        /**
         * Schedules the run: its first tasks are enqueued at {@code value}.
         *
         * @throws io.agentfleet.messages.InvalidMessageException when more than {@link Due#MAX_AHEAD} ahead
         */
        public Builder runAt(Instant value) {
            this.start = Due.at(value, Instant.now());
            return this;
        }

        public Workflow build() {
            return new Workflow(tasks, maxSteps, maxTokens, maxCost, deadline, start);
        }
    }
}
