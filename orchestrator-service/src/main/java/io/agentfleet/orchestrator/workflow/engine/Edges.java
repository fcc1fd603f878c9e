package io.agentfleet.orchestrator.workflow.engine;

import static io.agentfleet.orchestrator.workflow.engine.EventData.snapshot;
import static io.agentfleet.orchestrator.workflow.engine.RunEngine.failure;

import io.agentfleet.messages.RunEventData.TaskSkipped;
import io.agentfleet.orchestrator.workflow.spec.OnFailure;
import java.time.Instant;
import java.util.List;

/**
 * What a ready task's edges decide before it is dispatched: a failed upstream fails or skips it by the edge's
 * {@code onFailure}, and a false {@code when} skips it. A skipped task settles its own dependents, which run without
 * its output (as after a human's skip), so one false condition prunes one branch, not the rest of the graph.
 */
final class Edges {
    private Edges() {}

    /** The policy of the edge from {@code downstream} to {@code upstream}: its own, else continue after an optional. */
    static OnFailure policy(TaskRecord downstream, TaskRecord upstream) {
        OnFailure declared = downstream.onFailure.get(upstream.id);
        if (declared != null) {
            return declared;
        }
        return upstream.optional ? OnFailure.CONTINUE : OnFailure.FAIL;
    }

    /**
     * Whether {@code failed}'s failure is left to its dependents: it has some and every one of their edges to it
     * skips or continues. Such a failure, like an optional task's, does not end the run by itself.
     */
    static boolean failureHandled(RunState run, TaskRecord failed) {
        boolean any = false;
        for (TaskRecord t : run.tasks()) {
            if (t.dependsOn.contains(failed.id)) {
                if (policy(t, failed) == OnFailure.FAIL) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    /**
     * Settles {@code task}, whose dependencies {@code deps} have settled, when its edges say it must not run; returns
     * whether it may be dispatched.
     */
    static boolean release(RunState run, TaskRecord task, List<String> deps, Instant now) {
        String skipBecause = null;
        for (String dep : deps) {
            TaskRecord upstream = run.task(dep);
            if (upstream.state != TaskState.FAILED) {
                continue;
            }
            switch (policy(task, upstream)) {
                case FAIL -> {
                    TaskSettlement.failedForGood(
                            run, task, failure("UPSTREAM_FAILED", "dependency " + dep + " failed"), now);
                    return false;
                }
                case SKIP -> skipBecause = skipBecause != null ? skipBecause : dep;
                case CONTINUE -> {}
            }
        }
        if (skipBecause != null) {
            skip(run, task, "UPSTREAM_FAILED", "dependency " + skipBecause + " failed (onFailure: skip)", now);
            return false;
        }
        if (task.when != null) {
            TaskRecord source = run.task(task.when.task());
            boolean holds = source.state == TaskState.COMPLETED && task.when.holds(source.output);
            if (!holds) {
                skip(run, task, "CONDITION_FALSE", "condition " + task.when.describe() + " is false", now);
                return false;
            }
        }
        return true;
    }

    private static void skip(RunState run, TaskRecord task, String type, String reason, Instant now) {
        task.moveTo(TaskState.SKIPPED);
        task.error = failure(type, reason);
        task.completedAt = now.toEpochMilli();
        run.save(task);
        run.event(new TaskSkipped(now.toString(), snapshot(task)));
    }
}
