package io.agentfleet.orchestrator.workflow.engine;

/**
 * Task ids on the wire: {@code <runId>.<taskId>.r<revision>} for a task, with {@code .review} appended for its
 * review, so every revision and every review is a distinct task to the workers' one-outcome-per-task-id rule.
 */
public record WireIds(String runId, String taskId, int revision, boolean review) {

    public static String of(String runId, String taskId, int revision, boolean review) {
        return runId + "." + taskId + ".r" + revision + (review ? ".review" : "");
    }

    /** The parts of a wire task id, or null when it is not one the orchestrator made. */
    public static WireIds parse(String wireId) {
        if (wireId == null) {
            return null;
        }
        String[] parts = wireId.split("\\.");
        if (parts.length < 3 || parts.length > 4 || !parts[2].startsWith("r")) {
            return null;
        }
        if (parts.length == 4 && !parts[3].equals("review")) {
            return null;
        }
        try {
            return new WireIds(parts[0], parts[1], Integer.parseInt(parts[2].substring(1)), parts.length == 4);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
