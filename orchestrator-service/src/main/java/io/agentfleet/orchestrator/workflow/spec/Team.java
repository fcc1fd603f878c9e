package io.agentfleet.orchestrator.workflow.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Objects;

/**
 * A task's part in a team of tasks that a submission expands into: N samples and their aggregate, or the rounds of a
 * debate and its judge. The task the spec named keeps its id and becomes the owner ({@link Samples}, {@link Debate}),
 * whose output its dependents receive; the generated members carry {@link Sample} or {@link Round}.
 */
public sealed interface Team {
    /** The most samples one task may ask for. */
    int MAX_SAMPLES = 16;
    /** The most debate rounds one task may ask for. */
    int MAX_ROUNDS = 10;

    /** The stored form, read back by {@link #fromJson}. */
    ObjectNode toJson();

    /** The owner of {@code count} samples: it aggregates their outputs by {@code aggregate}. */
    record Samples(int count, Aggregate aggregate) implements Team {
        public Samples {
            Objects.requireNonNull(aggregate, "aggregate");
        }

        /** Whether the orchestrator aggregates by itself (a vote, first valid) instead of dispatching an agent. */
        public boolean local() {
            return aggregate.method() != Method.AGENT;
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = kind("samples");
            n.put("count", count);
            n.set("aggregate", aggregate.toJson());
            return n;
        }
    }

    /** Sample {@code index} (1-based) of {@code count} of task {@code owner}. */
    record Sample(String owner, int index, int count) implements Team {
        @Override
        public ObjectNode toJson() {
            ObjectNode n = kind("sample");
            n.put("owner", owner);
            n.put("index", index);
            n.put("count", count);
            return n;
        }
    }

    /**
     * The judge of a debate of up to {@code rounds} rounds between {@code proposer} and {@code critic} agent types;
     * with {@code stopWhenApproved}, a critic's {@code approved: true} ends the debate early.
     */
    record Debate(int rounds, String proposer, String critic, boolean stopWhenApproved) implements Team {
        @Override
        public ObjectNode toJson() {
            ObjectNode n = kind("debate");
            n.put("rounds", rounds);
            n.put("proposer", proposer);
            n.put("critic", critic);
            n.put("stopWhenApproved", stopWhenApproved);
            return n;
        }
    }

    /** The proposer's or the critic's turn in round {@code round} (1-based) of the debate of task {@code owner}. */
    record Round(String owner, int round, int rounds, boolean critic, boolean stopWhenApproved) implements Team {
        public String role() {
            return critic ? "critic" : "proposer";
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = kind("round");
            n.put("owner", owner);
            n.put("round", round);
            n.put("rounds", rounds);
            n.put("role", role());
            n.put("stopWhenApproved", stopWhenApproved);
            return n;
        }
    }

    /** How samples are aggregated. */
    enum Method {
        /** A majority vote on the value at a JSON pointer of the samples' outputs. */
        VOTE,
        /** An aggregator agent type receives every successful sample's output. */
        AGENT,
        /** The first sample to succeed (with a value at the pointer, when one is given). */
        FIRST_VALID;

        public String wire() {
            return this == FIRST_VALID ? "firstValid" : name().toLowerCase(Locale.ROOT);
        }

        static Method fromWire(String wire) {
            for (Method m : values()) {
                if (m.wire().equals(wire)) {
                    return m;
                }
            }
            return null;
        }
    }

    /**
     * @param pointer the voted value (vote), or the value a valid sample must have (firstValid, optional)
     * @param agent the aggregator agent type (agent)
     * @param quorum the fewest successful samples the aggregate needs (vote, agent)
     */
    record Aggregate(Method method, String pointer, String agent, int quorum) {
        public Aggregate {
            Objects.requireNonNull(method, "method");
        }

        ObjectNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("method", method.wire());
            if (pointer != null) {
                n.put("pointer", pointer);
            }
            if (agent != null) {
                n.put("agent", agent);
            }
            n.put("quorum", quorum);
            return n;
        }

        static Aggregate fromJson(JsonNode n) {
            return new Aggregate(
                    Method.fromWire(n.path("method").asText()),
                    n.hasNonNull("pointer") ? n.get("pointer").asText() : null,
                    n.hasNonNull("agent") ? n.get("agent").asText() : null,
                    n.path("quorum").asInt(1));
        }
    }

    /** A team part as stored by {@link #toJson}, or null for a task outside any team. */
    static Team fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            return null;
        }
        return switch (n.path("kind").asText()) {
            case "samples" -> new Samples(n.path("count").asInt(), Aggregate.fromJson(n.path("aggregate")));
            case "sample" ->
                new Sample(
                        n.path("owner").asText(),
                        n.path("index").asInt(),
                        n.path("count").asInt());
            case "debate" ->
                new Debate(
                        n.path("rounds").asInt(),
                        n.path("proposer").asText(),
                        n.path("critic").asText(),
                        n.path("stopWhenApproved").asBoolean());
            case "round" ->
                new Round(
                        n.path("owner").asText(),
                        n.path("round").asInt(),
                        n.path("rounds").asInt(),
                        n.path("role").asText().equals("critic"),
                        n.path("stopWhenApproved").asBoolean());
            default -> null;
        };
    }

    private static ObjectNode kind(String kind) {
        return JsonNodeFactory.instance.objectNode().put("kind", kind);
    }
}
