package io.agentfleet.messages;

/**
 * The Lua scripts every side of the fleet shares. Each script's header in its resource file lists its KEYS and ARGV;
 * all keys of one call carry the same hash tag.
 */
public final class FleetScripts {
    /** Enqueue with the backpressure check: all-or-nothing per call. */
    public static final LuaScript ENQUEUE = LuaScript.load("enqueue.lua");
    /** Record outcomes (result, error, dead letter) and XACK their entries; first outcome per task wins. */
    public static final LuaScript RECORD_OUTCOMES = LuaScript.load("record_outcomes.lua");
    /** Schedule a retry on the delayed set and XACK the current entry. */
    public static final LuaScript RETRY = LuaScript.load("retry.lua");
    /** Move due retries back to the task stream; safe with many callers. */
    public static final LuaScript PROMOTE = LuaScript.load("promote.lua");
    /** Move dead letters back to the task stream as fresh tasks. */
    public static final LuaScript REDRIVE = LuaScript.load("redrive.lua");

    /** Prefix of the error reply {@link #ENQUEUE} gives when refusing: {@code BACKPRESSURE <backlog> <bound>}. */
    public static final String BACKPRESSURE_ERROR = "BACKPRESSURE";

    private FleetScripts() {}

    /**
     * Turns an ENQUEUE error reply into a {@link BackpressureException} when it is one.
     *
     * @return the exception, or null when the message is some other error
     */
    public static BackpressureException backpressureFrom(String errorMessage, StreamKeys keys, String agent) {
        if (errorMessage == null) {
            return null;
        }
        int at = errorMessage.indexOf(BACKPRESSURE_ERROR);
        if (at < 0) {
            return null;
        }
        String[] parts = errorMessage.substring(at).trim().split("\\s+");
        long backlog = parts.length > 1 ? Long.parseLong(parts[1]) : -1;
        long bound = parts.length > 2 ? Long.parseLong(parts[2]) : -1;
        return new BackpressureException(agent, keys.tasks(agent), backlog, bound);
    }
}
