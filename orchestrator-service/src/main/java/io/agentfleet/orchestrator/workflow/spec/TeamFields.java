package io.agentfleet.orchestrator.workflow.spec;

import static io.agentfleet.orchestrator.workflow.spec.JsonFields.bool;
import static io.agentfleet.orchestrator.workflow.spec.JsonFields.intField;
import static io.agentfleet.orchestrator.workflow.spec.JsonFields.requireKnownFields;
import static io.agentfleet.orchestrator.workflow.spec.JsonFields.text;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.InvalidMessageException;
import java.util.Set;

/** Reads a task's {@code samples} with its {@code aggregate}, or its {@code debate}, refusing a bad value naming its field. */
final class TeamFields {
    private static final Set<String> AGGREGATE_FIELDS = Set.of("method", "pointer", "agent", "quorum");
    private static final Set<String> DEBATE_FIELDS = Set.of("proposer", "critic", "rounds", "stopWhenApproved");
    static final int DEFAULT_ROUNDS = 3;

    private TeamFields() {}

    /** Reads an agent type field ({@code at} is the path of {@code node}, ending in a dot) and checks it is known. */
    interface AgentField {
        String read(ObjectNode node, String field, String at);
    }

    /**
     * The task's team, or null when it asks for none.
     *
     */
    static Team read(ObjectNode task, String at, boolean reviewed, AgentField agent) {
        boolean sampled = task.hasNonNull("samples");
        boolean debated = task.hasNonNull("debate");
        if (!sampled && task.hasNonNull("aggregate")) {
            throw new InvalidMessageException(at + "aggregate", "needs samples (how many times the task runs)");
        }
        if (sampled && debated) {
            throw new InvalidMessageException(at + "debate", "cannot be combined with samples");
        }
        if ((sampled || debated) && reviewed) {
            throw new InvalidMessageException(
                    at + "review", "cannot be combined with " + (sampled ? "samples" : "debate"));
        }
        if (sampled) {
            int count = intField(task, "samples", at + "samples", 0, 2, Team.MAX_SAMPLES);
            return new Team.Samples(count, aggregate(task.get("aggregate"), count, at + "aggregate", agent));
        }
        return debated ? debate(task.get("debate"), at + "debate", agent) : null;
    }

    private static Team.Aggregate aggregate(JsonNode node, int count, String at, AgentField agent) {
        if (node == null || node.isNull()) {
            throw new InvalidMessageException(at, "is required with samples: {method: vote | agent | firstValid, ...}");
        }
        if (!node.isObject()) {
            throw new InvalidMessageException(at, "must be an object {method, pointer, agent, quorum}");
        }
        ObjectNode a = (ObjectNode) node;
        requireKnownFields(a, AGGREGATE_FIELDS, at + ".");
        String wire = text(a, "method", at + ".");
        Team.Method method = Team.Method.fromWire(wire);
        if (method == null) {
            throw new InvalidMessageException(
                    at + ".method", "must be \"vote\", \"agent\" or \"firstValid\", but was \"" + wire + "\"");
        }
        String pointer = a.hasNonNull("pointer") ? pointer(a, at + ".") : null;
        if (method == Team.Method.VOTE && pointer == null) {
            throw new InvalidMessageException(at + ".pointer", "is required for a vote (the value each sample votes)");
        }
        if (method != Team.Method.VOTE && method != Team.Method.FIRST_VALID && pointer != null) {
            throw new InvalidMessageException(at + ".pointer", "applies to vote and firstValid only");
        }
        String aggregator = null;
        if (method == Team.Method.AGENT) {
            aggregator = agent.read(a, "agent", at + ".");
        } else if (a.has("agent")) {
            throw new InvalidMessageException(at + ".agent", "applies to method agent only");
        }
        if (method == Team.Method.FIRST_VALID && a.has("quorum")) {
            throw new InvalidMessageException(
                    at + ".quorum", "does not apply to firstValid (one valid sample is enough)");
        }
        int quorum =
                method == Team.Method.FIRST_VALID ? 1 : intField(a, "quorum", at + ".quorum", count / 2 + 1, 1, count);
        return new Team.Aggregate(method, pointer, aggregator, quorum);
    }

    private static String pointer(ObjectNode a, String at) {
        String pointer = text(a, "pointer", at);
        try {
            JsonPointer.compile(pointer);
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(at + "pointer", "is not a JSON pointer (RFC 6901): " + e.getMessage());
        }
        return pointer;
    }

    private static Team.Debate debate(JsonNode node, String at, AgentField agent) {
        if (!node.isObject()) {
            throw new InvalidMessageException(at, "must be an object {proposer, critic, rounds, stopWhenApproved}");
        }
        ObjectNode d = (ObjectNode) node;
        requireKnownFields(d, DEBATE_FIELDS, at + ".");
        String proposer = agent.read(d, "proposer", at + ".");
        String critic = agent.read(d, "critic", at + ".");
        int rounds = intField(d, "rounds", at + ".rounds", DEFAULT_ROUNDS, 1, Team.MAX_ROUNDS);
        boolean stop = !d.hasNonNull("stopWhenApproved") || bool(d, "stopWhenApproved", at + ".");
        return new Team.Debate(rounds, proposer, critic, stop);
    }
}
