package io.agentfleet.orchestrator.workflow;

/**
 * A member of the deadline schedule: {@code run|<runId>} for a run's deadline, {@code task|<runId>|<wireTaskId>}
 * for a dispatched task's timeout.
 */
public record DeadlineMember(String runId, String wireId) {
    public static String forRun(String runId) {
        return "run|" + runId;
    }

    public static String forTask(String runId, String wireId) {
        return "task|" + runId + "|" + wireId;
    }

    public static DeadlineMember parse(String member) {
        String[] parts = member.split("\\|");
        if (parts.length == 2 && parts[0].equals("run")) {
            return new DeadlineMember(parts[1], null);
        }
        if (parts.length == 3 && parts[0].equals("task")) {
            return new DeadlineMember(parts[1], parts[2]);
        }
        return null;
    }
}
