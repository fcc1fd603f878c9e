package io.agentfleet.messages;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script shipped with the contract, so that every client (Jedis in {@code fleet-client}, Lettuce in the
 * services) runs the very same steps on Redis. Run it with EVALSHA on {@link #sha1()}, falling back to EVAL with
 * {@link #source()} on NOSCRIPT.
 *
 * @param name file name of the resource
 * @param source the script text
 * @param sha1 hex SHA-1 of the text, as Redis computes it
 */
public record LuaScript(String name, String source, String sha1) {

    /** Loads {@code io/agentfleet/messages/lua/NAME} from this module's resources. */
    public static LuaScript load(String name) {
        return load(LuaScript.class, "lua/" + name);
    }

    /**
     * Loads a script another module ships: the resource {@code path} as {@link Class#getResourceAsStream} resolves it
     * against {@code owner} (relative to its package, or absolute with a leading {@code /}).
     */
    public static LuaScript load(Class<?> owner, String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        try (InputStream in = owner.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Lua script resource missing: " + path);
            }
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new LuaScript(name, source, sha1Of(source));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Lua script " + path, e);
        }
    }

    private static String sha1Of(String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
    }
}
