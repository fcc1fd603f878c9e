package io.agentfleet.messages;

import java.util.List;
import java.util.Objects;

/**
 * One run of a shared Lua script, described once for every client family: the script, its keys and its arguments
 * (UTF-8 bytes). The access layers (Lettuce in the services, Jedis in the client) run it with EVALSHA and one EVAL on
 * NOSCRIPT. All keys of a call hash to one slot, so the call is atomic on one node, also on Redis Cluster; a call
 * whose keys span two slots cannot be built.
 *
 * @param script the script
 * @param keys its KEYS, all in one hash slot
 * @param args its ARGV
 */
public record ScriptCall(LuaScript script, List<String> keys, List<byte[]> args) {
    public ScriptCall {
        Objects.requireNonNull(script, "script");
        keys = List.copyOf(keys);
        args = List.copyOf(args);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("script " + script.name() + " needs at least one key to be routed");
        }
        HashSlots.requireOneSlot(script.name(), keys);
    }

    /** The key the call is routed by. */
    public String firstKey() {
        return keys.getFirst();
    }

    /** The hash slot every key of this call is in. */
    public int slot() {
        return HashSlots.slotOf(firstKey());
    }
}
