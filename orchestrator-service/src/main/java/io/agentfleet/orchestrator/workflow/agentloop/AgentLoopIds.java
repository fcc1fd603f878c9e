package io.agentfleet.orchestrator.workflow.agentloop;

/**
 * Ids of the tasks an agent task's loop adds to its run, deterministic per turn index: {@code <agent task>@t<turn>} for
 * a model turn and {@code <agent task>@t<turn>@c<call>} for the tool calls it asked for. Submitted task ids cannot
 * contain {@code @}, so these never collide with them, and an outcome replayed after a crash finds the same task.
 *
 * @param parent the agent task
 * @param turn the model turn, from 1
 * @param call the tool call's index within the turn, or -1 for the turn itself
 */
public record AgentLoopIds(String parent, int turn, int call) {
    private static final String TURN = "@t";
    private static final String CALL = "@c";

    public static String turn(String parent, int turn) {
        return parent + TURN + turn;
    }

    public static String call(String parent, int turn, int call) {
        return turn(parent, turn) + CALL + call;
    }

    public boolean isTurn() {
        return call < 0;
    }

    /** The parts of a loop task id, or null for any other task id. */
    public static AgentLoopIds parse(String taskId) {
        int t = taskId.indexOf(TURN);
        if (t <= 0) {
            return null;
        }
        String rest = taskId.substring(t + TURN.length());
        int c = rest.indexOf(CALL);
        try {
            return c < 0
                    ? new AgentLoopIds(taskId.substring(0, t), Integer.parseInt(rest), -1)
                    : new AgentLoopIds(
                            taskId.substring(0, t),
                            Integer.parseInt(rest.substring(0, c)),
                            Integer.parseInt(rest.substring(c + CALL.length())));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
