package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.orchestrator.workflow.spec.Team;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules that pick a sample owner's output from its samples, as pure functions of the samples' records (in sample
 * order). A vote counts the successful samples' values at the pointer (a sample without one abstains): the most votes
 * win, a tie goes to the value the lowest-numbered sample voted for, and the owner's output is the output of the
 * lowest-numbered sample that voted for the winner. Fewer successful samples than the quorum, or no vote at all, fail.
 */
final class SampleAggregation {
    private SampleAggregation() {}

    /** What the aggregation decided: the chosen sample and its details, or a failure. */
    record Decision(TaskRecord chosen, ObjectNode details, ObjectNode failure) {
        boolean failed() {
            return failure != null;
        }
    }

    /** The successful samples, in sample order. */
    static List<TaskRecord> succeeded(List<TaskRecord> samples) {
        return samples.stream()
                .filter(s -> s.state == TaskState.COMPLETED && s.output != null)
                .toList();
    }

    /** Whether every sample has settled (completed, failed, skipped or cancelled). */
    static boolean allSettled(List<TaskRecord> samples) {
        return samples.stream().allMatch(s -> s.state.isTerminal());
    }

    /** A failure when fewer than the quorum succeeded, else null. */
    static ObjectNode quorumFailure(List<TaskRecord> samples, Team.Aggregate aggregate) {
        int ok = succeeded(samples).size();
        if (ok >= aggregate.quorum()) {
            return null;
        }
        return RunEngine.failure(
                "QUORUM_NOT_MET",
                ok + " of " + samples.size() + " samples succeeded, fewer than the quorum of " + aggregate.quorum());
    }

    static Decision vote(List<TaskRecord> samples, Team.Aggregate aggregate) {
        ObjectNode quorum = quorumFailure(samples, aggregate);
        ObjectNode details = details(samples, aggregate);
        if (quorum != null) {
            return new Decision(null, details, quorum);
        }
        JsonPointer pointer = JsonPointer.compile(aggregate.pointer());
        Map<JsonNode, List<TaskRecord>> ballots = new LinkedHashMap<>();
        for (TaskRecord sample : succeeded(samples)) {
            JsonNode value = sample.output.at(pointer);
            if (!value.isMissingNode()) {
                ballots.computeIfAbsent(value, v -> new ArrayList<>()).add(sample);
            }
        }
        if (ballots.isEmpty()) {
            return new Decision(
                    null,
                    details,
                    RunEngine.failure(
                            "NO_VOTES",
                            "no successful sample has a value at " + aggregate.pointer() + " to vote with"));
        }
        // Ballots are in the order of each value's lowest-numbered voter, so the first with the most votes wins a tie.
        int most = ballots.values().stream().mapToInt(List::size).max().orElseThrow();
        Map.Entry<JsonNode, List<TaskRecord>> winner = ballots.entrySet().stream()
                .filter(e -> e.getValue().size() == most)
                .findFirst()
                .orElseThrow();
        details.set("value", winner.getKey());
        ArrayNode votes = details.putArray("votes");
        ballots.forEach((value, voters) -> {
            ObjectNode v = votes.addObject();
            v.set("value", value);
            v.put("count", voters.size());
            ArrayNode ids = v.putArray("samples");
            voters.forEach(s -> ids.add(s.id));
        });
        TaskRecord chosen = winner.getValue().get(0);
        details.put("chosen", chosen.id);
        return new Decision(chosen, details, null);
    }

    /**
     * The valid sample that completed first (ties by sample order), or null while none has; a failure once every
     * sample has settled without a valid one. Valid: succeeded, and with a non-null value at the pointer if one is given.
     */
    static Decision firstValid(List<TaskRecord> samples, Team.Aggregate aggregate) {
        ObjectNode details = details(samples, aggregate);
        TaskRecord first = null;
        for (TaskRecord sample : succeeded(samples)) {
            if (valid(sample, aggregate) && (first == null || sample.completedAt < first.completedAt)) {
                first = sample;
            }
        }
        if (first != null) {
            details.put("chosen", first.id);
            return new Decision(first, details, null);
        }
        if (!allSettled(samples)) {
            return null;
        }
        return new Decision(
                null,
                details,
                RunEngine.failure(
                        "NO_VALID_SAMPLE",
                        "none of " + samples.size() + " samples succeeded"
                                + (aggregate.pointer() == null ? "" : " with a value at " + aggregate.pointer())));
    }

    private static boolean valid(TaskRecord sample, Team.Aggregate aggregate) {
        if (aggregate.pointer() == null) {
            return true;
        }
        JsonNode value = sample.output.at(JsonPointer.compile(aggregate.pointer()));
        return !value.isMissingNode() && !value.isNull();
    }

    private static ObjectNode details(List<TaskRecord> samples, Team.Aggregate aggregate) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("method", aggregate.method().wire());
        if (aggregate.pointer() != null) {
            d.put("pointer", aggregate.pointer());
        }
        d.put("samples", samples.size());
        d.put("succeeded", succeeded(samples).size());
        d.put(
                "failed",
                samples.stream().filter(s -> s.state == TaskState.FAILED).count());
        if (aggregate.method() != Team.Method.FIRST_VALID) {
            d.put("quorum", aggregate.quorum());
        }
        return d;
    }
}
