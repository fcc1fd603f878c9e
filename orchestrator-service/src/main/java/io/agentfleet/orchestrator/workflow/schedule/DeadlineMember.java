package io.agentfleet.orchestrator.workflow.schedule;

/**
 * A member of the deadline schedule: {@code run|<runId>} for a run's deadline, {@code task|<runId>|<wireTaskId>} for a
 * dispatched task's timeout, {@code check|<runId>|<wireTaskId>} for the reconciliation of a dispatched task whose
 * outcome may have been trimmed from its result stream before it was read.
 */
public record DeadlineMember(Kind kind, String runId, String wireId) {
    /** What a schedule member stands for. */
    public enum Kind {
        RUN,
        TASK,
        RECONCILE
    }

    public static String forRun(String runId) {
        return "run|" + runId;
    }

    public static String forTask(String runId, String wireId) {
        return "task|" + runId + "|" + wireId;
    }

    public static String forReconcile(String runId, String wireId) {
        return "check|" + runId + "|" + wireId;
    }

    public static DeadlineMember parse(String member) {
        String[] parts = member.split("\\|");
        if (parts.length == 2 && parts[0].equals("run")) {
            return new DeadlineMember(Kind.RUN, parts[1], null);
        }
        if (parts.length == 3 && parts[0].equals("task")) {
            return new DeadlineMember(Kind.TASK, parts[1], parts[2]);
        }
        if (parts.length == 3 && parts[0].equals("check")) {
            return new DeadlineMember(Kind.RECONCILE, parts[1], parts[2]);
        }
        return null;
    }

    /** The schedule member this stands for. */
    public String member() {
        return switch (kind) {
            case RUN -> forRun(runId);
            case TASK -> forTask(runId, wireId);
            case RECONCILE -> forReconcile(runId, wireId);
        };
    }
}
