package io.agentfleet.orchestrator.redis;

import io.agentfleet.messages.LuaScript;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The orchestrator's own Lua scripts (resources under {@code io/agentfleet/orchestrator/lua}); each file's header lists its KEYS and ARGV. */
public final class OrchestratorScripts {
    /** Applies one run transition if the run's version is unchanged. */
    public static final LuaScript COMMIT = load("commit.lua");
    /** Claims due members of a schedule with a lease. */
    public static final LuaScript CLAIM_DUE = load("claim_due.lua");
    /** Removes a schedule member if it still carries this replica's lease. */
    public static final LuaScript REMOVE_IF_SCORED = load("remove_if_scored.lua");
    /** Fixed-window rate limit counter. */
    public static final LuaScript RATE_LIMIT = load("rate_limit.lua");

    private OrchestratorScripts() {}

    static LuaScript load(String name) {
        String path = "/io/agentfleet/orchestrator/lua/" + name;
        try (InputStream in = OrchestratorScripts.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Lua script resource missing: " + path);
            }
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return new LuaScript(name, source, HexFormat.of().formatHex(digest));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Lua script " + path, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
    }
}
