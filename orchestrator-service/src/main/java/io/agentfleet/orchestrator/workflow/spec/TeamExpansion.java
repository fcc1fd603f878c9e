package io.agentfleet.orchestrator.workflow.spec;

import io.agentfleet.messages.InvalidMessageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Expands a task with {@code samples} or a {@code debate} into the tasks that run it: the members, with ids that say
 * what they are ({@code <id>-sample-<i>}, {@code <id>-round-<k>-proposer}, {@code <id>-round-<k>-critic}), then the
 * task itself as their owner, which keeps its id (so its dependents need not know) and depends on every member.
 * Members inherit the task's dependencies, edges and condition, so they see its context and a false condition or a
 * skipping edge prunes the whole team.
 */
public final class TeamExpansion {
    private TeamExpansion() {}

    /** The id of sample {@code index} (1-based) of task {@code owner}. */
    public static String sampleId(String owner, int index) {
        return owner + "-sample-" + index;
    }

    /** The id of the proposer's or critic's task in round {@code round} (1-based) of task {@code owner}'s debate. */
    public static String roundId(String owner, int round, boolean critic) {
        return owner + "-round-" + round + (critic ? "-critic" : "-proposer");
    }

    /**
     * {@code tasks} with every team expanded, in order (members before their owner).
     *
     * @param ids every id of the run, with the submitted ones; generated ids are added, and one already taken is refused
     * @param path the JSON path of {@code tasks}, to name a team whose generated id is taken
     */
    static List<TaskSpec> expand(List<TaskSpec> tasks, Set<String> ids, String path) {
        List<TaskSpec> expanded = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            TaskSpec task = tasks.get(i);
            List<TaskSpec> members = switch (task.team()) {
                case Team.Samples samples -> samples(task, samples);
                case Team.Debate debate -> rounds(task, debate);
                case null -> List.of();
                case Team.Sample s -> List.of();
                case Team.Round r -> List.of();
            };
            for (TaskSpec member : members) {
                if (!ids.add(member.id())) {
                    throw new InvalidMessageException(
                            path + "[" + i + "]." + (task.team() instanceof Team.Samples ? "samples" : "debate"),
                            "generates task id '" + member.id() + "', which the run already has");
                }
            }
            expanded.addAll(members);
            expanded.add(members.isEmpty() ? task : owner(task, members));
        }
        return expanded;
    }

    /** How many dispatches {@code tasks} make at least: one per task, except owners that aggregate by themselves. */
    static int dispatches(List<TaskSpec> tasks) {
        return (int) tasks.stream()
                .filter(t -> !(t.team() instanceof Team.Samples s && s.local()))
                .count();
    }

    private static List<TaskSpec> samples(TaskSpec task, Team.Samples samples) {
        List<TaskSpec> members = new ArrayList<>();
        for (int i = 1; i <= samples.count(); i++) {
            members.add(member(
                    task,
                    sampleId(task.id(), i),
                    task.agent(),
                    task.dependsOn(),
                    task.onFailure(),
                    false,
                    task.fallback(),
                    new Team.Sample(task.id(), i, samples.count())));
        }
        return members;
    }

    private static List<TaskSpec> rounds(TaskSpec task, Team.Debate debate) {
        // An optional debate's failed round skips the rest of it (and the judge); otherwise it fails like any task.
        OnFailure internal = task.optional() ? OnFailure.SKIP : OnFailure.FAIL;
        List<TaskSpec> members = new ArrayList<>();
        for (int k = 1; k <= debate.rounds(); k++) {
            List<String> previous =
                    k == 1 ? List.of() : List.of(roundId(task.id(), k - 1, false), roundId(task.id(), k - 1, true));
            String proposer = roundId(task.id(), k, false);
            members.add(member(
                    task,
                    proposer,
                    debate.proposer(),
                    concat(task.dependsOn(), previous),
                    withPolicy(task.onFailure(), previous, internal),
                    task.escalate(),
                    null,
                    new Team.Round(task.id(), k, debate.rounds(), false, debate.stopWhenApproved())));
            members.add(member(
                    task,
                    roundId(task.id(), k, true),
                    debate.critic(),
                    concat(task.dependsOn(), List.of(proposer)),
                    withPolicy(task.onFailure(), List.of(proposer), internal),
                    task.escalate(),
                    null,
                    new Team.Round(task.id(), k, debate.rounds(), true, debate.stopWhenApproved())));
        }
        return members;
    }

    private static TaskSpec member(
            TaskSpec task,
            String id,
            String agent,
            List<String> dependsOn,
            Map<String, OnFailure> onFailure,
            boolean escalate,
            String fallback,
            Team team) {
        return new TaskSpec(
                id,
                agent,
                task.input(),
                dependsOn,
                null,
                false,
                escalate,
                task.timeout(),
                task.maxAttempts(),
                task.maxTokens(),
                onFailure,
                fallback,
                task.when(),
                null,
                null,
                team);
    }

    /**
     * The owner depends on its members as well: a failed sample is left to the aggregate (continue), a failed round
     * fails the judge unless the debate is optional (then it is skipped).
     */
    private static TaskSpec owner(TaskSpec task, List<TaskSpec> members) {
        List<String> memberIds = members.stream().map(TaskSpec::id).toList();
        boolean sampled = task.team() instanceof Team.Samples;
        OnFailure policy = sampled ? OnFailure.CONTINUE : task.optional() ? OnFailure.SKIP : OnFailure.FAIL;
        String agent = task.team() instanceof Team.Samples s && !s.local()
                ? s.aggregate().agent()
                : task.agent();
        return new TaskSpec(
                task.id(),
                agent,
                task.input(),
                concat(task.dependsOn(), memberIds),
                null,
                task.optional(),
                task.escalate(),
                task.timeout(),
                task.maxAttempts(),
                sampled ? null : task.maxTokens(),
                withPolicy(task.onFailure(), memberIds, policy),
                sampled ? null : task.fallback(),
                task.when(),
                null,
                null,
                task.team());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Map<String, OnFailure> withPolicy(
            Map<String, OnFailure> declared, List<String> ids, OnFailure policy) {
        Map<String, OnFailure> all = new LinkedHashMap<>(declared);
        ids.forEach(id -> all.put(id, policy));
        return all;
    }
}
