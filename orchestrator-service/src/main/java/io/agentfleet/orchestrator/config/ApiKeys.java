package io.agentfleet.orchestrator.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The accepted API keys, held only as SHA-256 hashes (hex) mapped to the key's name. A plain key is hashed when it is
 * read and never kept.
 *
 * @param enabled false only when authentication was switched off explicitly
 * @param nameByHash key name by lower-case hex SHA-256 of the key
 */
public record ApiKeys(boolean enabled, Map<String, String> nameByHash) {
    public ApiKeys {
        nameByHash = Map.copyOf(nameByHash);
    }

    public static ApiKeys disabled() {
        return new ApiKeys(false, Map.of());
    }

    /** The name of the key whose hash matches, in constant time per candidate. */
    public Optional<String> nameOf(String presentedKey) {
        byte[] presented = sha256(presentedKey);
        String found = null;
        for (Map.Entry<String, String> entry : nameByHash.entrySet()) {
            if (MessageDigest.isEqual(presented, HexFormat.of().parseHex(entry.getKey()))) {
                found = entry.getValue();
            }
        }
        return Optional.ofNullable(found);
    }

    public static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    public static String sha256Hex(String value) {
        return HexFormat.of().formatHex(sha256(value));
    }

    static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new LinkedHashMap<>(a);
        all.putAll(b);
        return all;
    }
}
