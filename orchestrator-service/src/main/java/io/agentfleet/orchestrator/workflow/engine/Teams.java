package io.agentfleet.orchestrator.workflow.engine;

import static io.agentfleet.orchestrator.workflow.engine.EventData.snapshot;
import static io.agentfleet.orchestrator.workflow.engine.RunEngine.failure;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.RunEventData.TaskSkipped;
import io.agentfleet.orchestrator.workflow.spec.Team;
import io.agentfleet.orchestrator.workflow.spec.TeamExpansion;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * What the engine does for samples and debates ({@link TeamExpansion} made their tasks): tells each member which
 * sample or round it is (so N samples are not a loop), aggregates samples, checks the quorum before an aggregator
 * agent runs, and ends a debate early when the critic approves.
 */
final class Teams {
    /** The temperature of the first sample; the last gets {@link #MAX_TEMPERATURE}, the others are evenly between. */
    static final double MIN_TEMPERATURE = 0.5;

    static final double MAX_TEMPERATURE = 1.0;

    private Teams() {}

    /**
     * Whether {@code task}'s dependencies let it go: all settled, or (a first-valid owner) a valid sample is in while
     * others still run, so its dependents need not wait for the slowest sample.
     */
    static boolean ready(RunState run, TaskRecord task, List<String> deps) {
        if (Dag.settled(run, deps)) {
            return true;
        }
        if (!(task.team instanceof Team.Samples s) || s.aggregate().method() != Team.Method.FIRST_VALID) {
            return false;
        }
        List<String> others = deps.stream()
                .filter(d -> !(run.task(d).team instanceof Team.Sample))
                .toList();
        return Dag.settled(run, others) && SampleAggregation.firstValid(samples(run, task), s.aggregate()) != null;
    }

    /**
     * Settles {@code task} when its team decides it: a local aggregate completes (or fails) here, an aggregator agent
     * without its quorum fails, a round after an approval or after a skipped turn is skipped. Returns whether the task
     * is still to be dispatched.
     */
    static boolean release(RunState run, TaskRecord task, Instant now) {
        return switch (task.team) {
            case null -> true;
            case Team.Sample s -> true;
            case Team.Debate d -> true;
            case Team.Samples s -> releaseOwner(run, task, s, now);
            case Team.Round r -> releaseRound(run, task, r, now);
        };
    }

    private static boolean releaseOwner(RunState run, TaskRecord owner, Team.Samples team, Instant now) {
        List<TaskRecord> samples = samples(run, owner);
        SampleAggregation.Decision decision = switch (team.aggregate().method()) {
            case VOTE -> SampleAggregation.vote(samples, team.aggregate());
            case FIRST_VALID -> SampleAggregation.firstValid(samples, team.aggregate());
            case AGENT -> {
                ObjectNode quorum = SampleAggregation.quorumFailure(samples, team.aggregate());
                yield quorum == null ? null : new SampleAggregation.Decision(null, null, quorum);
            }
        };
        if (decision == null) {
            return true;
        }
        owner.aggregation = decision.details();
        if (decision.failed()) {
            TaskSettlement.failedForGood(run, owner, decision.failure(), now);
        } else {
            TaskSettlement.completed(run, owner, decision.chosen().output, now);
        }
        return false;
    }

    private static boolean releaseRound(RunState run, TaskRecord task, Team.Round round, Instant now) {
        if (round.critic()) {
            TaskRecord proposer = run.task(TeamExpansion.roundId(round.owner(), round.round(), false));
            if (proposer.state == TaskState.SKIPPED) {
                skip(run, task, "DEBATE_ENDED", "the proposer of round " + round.round() + " did not run", now);
                return false;
            }
            return true;
        }
        if (round.round() == 1) {
            return true;
        }
        TaskRecord critic = run.task(TeamExpansion.roundId(round.owner(), round.round() - 1, true));
        if (critic.state == TaskState.SKIPPED) {
            skip(run, task, "DEBATE_ENDED", "round " + (round.round() - 1) + " did not run", now);
            return false;
        }
        if (round.stopWhenApproved()
                && critic.output != null
                && critic.output.path("approved").asBoolean(false)) {
            skip(run, task, "CRITIC_APPROVED", "the critic approved round " + (round.round() - 1), now);
            return false;
        }
        return true;
    }

    /** Adds what a member or an aggregator needs to know about its team to its dispatch content. */
    static void annotate(RunState run, TaskRecord task, ObjectNode content) {
        switch (task.team) {
            case null -> {}
            case Team.Sample s -> {
                ObjectNode sample = content.putObject("sample");
                sample.put("index", s.index());
                sample.put("of", s.count());
                sample.put("seed", seed(run.runId, task.id));
                sample.put("temperature", temperature(s.index(), s.count()));
            }
            case Team.Round r -> {
                ObjectNode debate = content.putObject("debate");
                debate.put("round", r.round());
                debate.put("of", r.rounds());
                debate.put("role", r.role());
            }
            case Team.Debate d -> {
                ObjectNode debate = content.putObject("debate");
                debate.put("role", "judge");
                debate.put("rounds", d.rounds());
            }
            case Team.Samples s -> {
                ObjectNode aggregate = content.putObject("aggregate");
                ArrayNode ids = aggregate.putArray("samples");
                SampleAggregation.succeeded(samples(run, task)).forEach(m -> ids.add(m.id));
                aggregate.put("of", s.count());
            }
        }
    }

    /** A sample's seed: a stable 31-bit hash of its run and task id, the same for every attempt of that sample. */
    static long seed(String runId, String taskId) {
        byte[] key = (runId + "/" + taskId).getBytes(StandardCharsets.UTF_8);
        return MurmurHash3.hash32x86(key) & 0x7fffffffL;
    }

    /** Sample {@code index} of {@code count}'s temperature, evenly spread over the range, to two decimals. */
    static double temperature(int index, int count) {
        double t = MIN_TEMPERATURE + (MAX_TEMPERATURE - MIN_TEMPERATURE) * (index - 1) / (count - 1);
        return Math.round(t * 100) / 100.0;
    }

    /** The owner's samples in sample order. */
    static List<TaskRecord> samples(RunState run, TaskRecord owner) {
        int count = ((Team.Samples) owner.team).count();
        List<TaskRecord> samples = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            samples.add(run.task(TeamExpansion.sampleId(owner.id, i)));
        }
        return samples;
    }

    private static void skip(RunState run, TaskRecord task, String type, String reason, Instant now) {
        task.moveTo(TaskState.SKIPPED);
        task.error = failure(type, reason);
        task.completedAt = now.toEpochMilli();
        run.save(task);
        run.event(new TaskSkipped(now.toString(), snapshot(task)));
    }
}
