package io.agentfleet.orchestrator.redis;

import io.agentfleet.messages.LuaScript;
import io.agentfleet.messages.ScriptCall;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The orchestrator's own Lua scripts (resources beside this class under {@code lua/}); each file's header lists its
 * KEYS and ARGV. Every call passes keys of one hash slot: a run's keys share {@code {run:R}}, the recurring schedules'
 * keys share {@code {schedules}}, the deadline schedules and the rate counters are single keys.
 */
public final class OrchestratorScripts {
    /** Applies one run transition if the run's version is unchanged. */
    public static final LuaScript COMMIT = load("commit.lua");
    /** Claims due members of a schedule with a lease. */
    public static final LuaScript CLAIM_DUE = load("claim_due.lua");
    /** Removes a schedule member if it still carries this replica's lease. */
    public static final LuaScript REMOVE_IF_SCORED = load("remove_if_scored.lua");
    /** Fixed-window rate limit counter. */
    public static final LuaScript RATE_LIMIT = load("rate_limit.lua");
    /** Reads a fixed-window counter without counting. */
    public static final LuaScript COUNTER = load("counter.lua");
    /** Admits a run into its tenant's runs in flight, up to the tenant's limit. */
    public static final LuaScript ADMIT_RUN = load("admit_run.lua");
    /** Stores a new recurring schedule within its tenant's limit. */
    public static final LuaScript SCHEDULE_CREATE = load("schedule_create.lua");
    /** Claims a schedule's due tick once, recording the run it must start. */
    public static final LuaScript SCHEDULE_CLAIM_TICK = load("schedule_claim_tick.lua");
    /** Makes a paused schedule due again. */
    public static final LuaScript SCHEDULE_RESUME = load("schedule_resume.lua");
    /** Deletes a schedule and its tick history. */
    public static final LuaScript SCHEDULE_DELETE = load("schedule_delete.lua");

    private OrchestratorScripts() {}

    /** A call of {@code script} on the one key {@code key} with string arguments (sent as UTF-8). */
    public static ScriptCall call(LuaScript script, String key, String... args) {
        List<byte[]> encoded = new ArrayList<>(args.length);
        for (String arg : args) {
            encoded.add(arg.getBytes(StandardCharsets.UTF_8));
        }
        return new ScriptCall(script, List.of(key), encoded);
    }

    private static LuaScript load(String name) {
        return LuaScript.load(OrchestratorScripts.class, "/io/agentfleet/orchestrator/lua/" + name);
    }
}
