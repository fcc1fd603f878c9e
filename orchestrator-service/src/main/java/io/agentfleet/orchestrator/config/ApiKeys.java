package io.agentfleet.orchestrator.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The accepted API keys, held only as SHA-256 hashes (hex) mapped to the key's name. A plain key is hashed when it is
 * read and never kept. Each key belongs to a tenant (by default the tenant named like the key); some keys are operator
 * (admin) keys.
 *
 * @param enabled false only when authentication was switched off explicitly
 * @param nameByHash key name by lower-case hex SHA-256 of the key
 * @param tenantByName tenant by key name, for keys whose tenant is not their own name
 * @param admins names of the operator keys
 */
public record ApiKeys(
        boolean enabled, Map<String, String> nameByHash, Map<String, String> tenantByName, Set<String> admins) {
    public ApiKeys {
        nameByHash = Map.copyOf(nameByHash);
        tenantByName = Map.copyOf(tenantByName);
        admins = Set.copyOf(admins);
    }

    public static ApiKeys disabled() {
        return new ApiKeys(false, Map.of(), Map.of(), Set.of());
    }

    /** The tenant of the key named {@code name}. */
    public String tenantOf(String name) {
        return tenantByName.getOrDefault(name, name);
    }

    public boolean isAdmin(String name) {
        return admins.contains(name);
    }

    /** Every tenant some key belongs to. */
    public Set<String> tenants() {
        Set<String> tenants = new TreeSet<>();
        nameByHash.values().forEach(name -> tenants.add(tenantOf(name)));
        return tenants;
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
