package io.agentfleet.orchestrator.config;

import io.agentfleet.messages.Durations;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.auth.Caller;
import io.agentfleet.orchestrator.registry.KnownAgentsConfig;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.value.PropertyResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Reads and validates {@link OrchestratorConfig}; a bad value fails start-up naming the key and the value. */
@Factory
public class ConfigFactory {
    public static final String PREFIX_KEY = "fleet.prefix";
    public static final String API_KEYS = "fleet.api-keys";
    public static final String API_KEYS_FILE = "fleet.api-keys-file";
    public static final String API_KEYS_PLAIN = "fleet.api-keys-plain";
    public static final String AUTH_ENABLED = "fleet.auth.enabled";
    public static final String API_KEY_TENANTS = "fleet.api-key-tenants";
    public static final String ADMIN_KEYS = "fleet.admin-keys";
    public static final String TENANTS = "fleet.tenants.";
    static final String O = "fleet.orchestrator.";

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    @Context
    public OrchestratorConfig orchestratorConfig(PropertyResolver props) {
        return read(props);
    }

    @Context
    public KnownAgentsConfig knownAgentsConfig(PropertyResolver props, OrchestratorConfig config) {
        return readKnownAgents(props, config);
    }

    /** Reads how agent types become known and how their results are read. */
    public static KnownAgentsConfig readKnownAgents(PropertyResolver props, OrchestratorConfig config) {
        Reader r = new Reader(props);
        String perReader = O + "streams-per-reader";
        int streamsPerReader = r.intAtLeast(perReader, KnownAgentsConfig.DEFAULT_STREAMS_PER_READER, 1);
        if (streamsPerReader > KnownAgentsConfig.MAX_STREAMS_PER_READER) {
            throw new ConfigException(perReader + " must be <= " + KnownAgentsConfig.MAX_STREAMS_PER_READER
                    + ", but was " + streamsPerReader);
        }
        return new KnownAgentsConfig(
                config.allowedAgents(),
                r.positiveDuration(O + "agents-refresh", KnownAgentsConfig.DEFAULT_REFRESH),
                r.positiveDuration(O + "agents-miss-refresh", KnownAgentsConfig.DEFAULT_MISS_REFRESH),
                streamsPerReader);
    }

    /** Reads the configuration from Micronaut properties (environment variables map onto them). */
    public static OrchestratorConfig read(PropertyResolver props) {
        Reader r = new Reader(props);
        StreamKeys keys;
        String prefix = r.string(PREFIX_KEY, StreamKeys.DEFAULT_PREFIX);
        try {
            keys = new StreamKeys(prefix);
        } catch (InvalidMessageException e) {
            throw new ConfigException(PREFIX_KEY + " must match [A-Za-z0-9._-]{1,64}, but was '" + prefix + "'");
        }
        ApiKeys apiKeys = apiKeys(r);
        return new OrchestratorConfig(
                keys,
                r.string(O + "consumer-name", defaultConsumerName()),
                r.intAtLeast(O + "max-tasks", OrchestratorConfig.DEFAULT_MAX_TASKS, 1),
                r.intAtLeast(O + "max-steps-default", OrchestratorConfig.DEFAULT_MAX_STEPS, 1),
                r.intAtLeast(O + "max-steps-limit", OrchestratorConfig.DEFAULT_MAX_STEPS_LIMIT, 1),
                r.intAtLeast(O + "max-input-bytes", OrchestratorConfig.DEFAULT_MAX_INPUT_BYTES, 16),
                r.intAtLeast(O + "max-request-bytes", OrchestratorConfig.DEFAULT_MAX_REQUEST_BYTES, 1024),
                r.positiveDuration(O + "retention", OrchestratorConfig.DEFAULT_RETENTION),
                r.positiveDuration(O + "claim-after", OrchestratorConfig.DEFAULT_CLAIM_AFTER),
                r.intAtLeast(O + "read-count", OrchestratorConfig.DEFAULT_READ_COUNT, 1),
                r.positiveDuration(O + "read-block", OrchestratorConfig.DEFAULT_READ_BLOCK),
                r.longAtLeast(O + "max-backlog", OrchestratorConfig.DEFAULT_MAX_BACKLOG, 0),
                r.agents(O + "allowed-agents"),
                r.intAtLeast(O + "rate-limit", OrchestratorConfig.DEFAULT_RATE_LIMIT, 1),
                r.positiveDuration(O + "rate-window", OrchestratorConfig.DEFAULT_RATE_WINDOW),
                r.intAtLeast(O + "auth-failure-limit", OrchestratorConfig.DEFAULT_AUTH_FAILURE_LIMIT, 1),
                r.positiveDuration(O + "auth-failure-window", OrchestratorConfig.DEFAULT_AUTH_FAILURE_WINDOW),
                TrustedProxies.parse(O + "trusted-proxies", r.string(O + "trusted-proxies", "")),
                r.positiveDuration(O + "watch-interval", OrchestratorConfig.DEFAULT_WATCH_INTERVAL),
                r.positiveDuration(O + "reconcile-after", OrchestratorConfig.DEFAULT_RECONCILE_AFTER),
                apiKeys,
                tenantLimits(r, apiKeys));
    }

    private static ApiKeys apiKeys(Reader r) {
        if (!r.bool(AUTH_ENABLED, true)) {
            return ApiKeys.disabled();
        }
        Map<String, String> byHash = new LinkedHashMap<>();
        String hashed = r.string(API_KEYS, "");
        addHashed(byHash, API_KEYS, hashed);
        String file = r.string(API_KEYS_FILE, "");
        if (!file.isBlank()) {
            try {
                for (String line : Files.readAllLines(Path.of(file))) {
                    String entry = line.strip();
                    if (!entry.isEmpty() && !entry.startsWith("#")) {
                        addHashed(byHash, API_KEYS_FILE + " (" + file + ")", entry);
                    }
                }
            } catch (IOException e) {
                throw new ConfigException(API_KEYS_FILE + " cannot be read: '" + file + "' (" + e.getMessage() + ")");
            }
        }
        for (String entry : split(r.string(API_KEYS_PLAIN, ""))) {
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new ConfigException(
                        API_KEYS_PLAIN + " entries must be name:key, but one was '" + redact(entry) + "'");
            }
            String name = requireKeyName(API_KEYS_PLAIN, entry.substring(0, colon));
            byHash.put(ApiKeys.sha256Hex(entry.substring(colon + 1)), name);
        }
        if (byHash.isEmpty()) {
            throw new ConfigException(
                    "no API keys configured: set " + API_KEYS + " (FLEET_API_KEYS=name:sha256hex,...), "
                            + API_KEYS_FILE + " (FLEET_API_KEYS_FILE) or " + API_KEYS_PLAIN
                            + " (FLEET_API_KEYS_PLAIN=name:key,...),"
                            + " or switch authentication off with " + AUTH_ENABLED + "=false");
        }
        Set<String> names = new TreeSet<>(byHash.values());
        Map<String, String> tenants = new LinkedHashMap<>();
        for (String entry : split(r.string(API_KEY_TENANTS, ""))) {
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new ConfigException(
                        API_KEY_TENANTS + " entries must be keyName:tenant, but one was '" + entry + "'");
            }
            String name = knownKey(API_KEY_TENANTS, entry.substring(0, colon), names);
            tenants.put(name, requireKeyName(API_KEY_TENANTS, entry.substring(colon + 1)));
        }
        Set<String> admins = new TreeSet<>();
        for (String name : split(r.string(ADMIN_KEYS, ""))) {
            admins.add(knownKey(ADMIN_KEYS, name, names));
        }
        return new ApiKeys(true, byHash, tenants, admins);
    }

    private static String knownKey(String key, String name, Set<String> names) {
        if (!names.contains(name)) {
            throw new ConfigException(key + " names the API key '" + name + "', which is not configured (configured: "
                    + String.join(", ", names) + ")");
        }
        return name;
    }

    /**
     * {@code fleet.tenants.<tenant>.max-runs-in-flight}, {@code .allowed-agents} and {@code .rate-limit} of every
     * tenant some key belongs to ({@code anonymous} with authentication off).
     */
    private static Map<String, TenantLimits> tenantLimits(Reader r, ApiKeys apiKeys) {
        Set<String> tenants = apiKeys.enabled() ? apiKeys.tenants() : Set.of(Caller.ANONYMOUS.tenant());
        Map<String, TenantLimits> limits = new LinkedHashMap<>();
        for (String tenant : tenants) {
            String at = TENANTS + tenant + ".";
            TenantLimits l = new TenantLimits(
                    r.intAtLeast(at + "max-runs-in-flight", 0, 0),
                    r.agents(at + "allowed-agents"),
                    r.intAtLeast(at + "rate-limit", 0, 0));
            if (!l.equals(TenantLimits.NONE)) {
                limits.put(tenant, l);
            }
        }
        return limits;
    }

    private static void addHashed(Map<String, String> byHash, String key, String value) {
        for (String entry : split(value)) {
            int colon = entry.indexOf(':');
            String hash = colon < 0 ? "" : entry.substring(colon + 1);
            if (colon <= 0 || !SHA256_HEX.matcher(hash).matches()) {
                throw new ConfigException(
                        key + " entries must be name:sha256hex (64 hex digits), but one was '" + redact(entry) + "'");
            }
            byHash.put(hash.toLowerCase(), requireKeyName(key, entry.substring(0, colon)));
        }
    }

    private static String requireKeyName(String key, String name) {
        if (!KEY_NAME.matcher(name).matches()) {
            throw new ConfigException(key + ": key name must match " + KEY_NAME + ", but was '" + name + "'");
        }
        return name;
    }

    private static String redact(String entry) {
        int colon = entry.indexOf(':');
        return colon < 0 ? "<redacted>" : entry.substring(0, colon) + ":<redacted>";
    }

    private static String[] split(String value) {
        return value == null || value.isBlank() ? new String[0] : value.trim().split("\\s*,\\s*");
    }

    private static String defaultConsumerName() {
        String host;
        try {
            host = System.getenv()
                    .getOrDefault("HOSTNAME", InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            host = "orchestrator";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    private record Reader(PropertyResolver props) {
        String string(String key, String fallback) {
            return props.getProperty(key, String.class).map(String::trim).orElse(fallback);
        }

        int intAtLeast(String key, int fallback, int min) {
            return Math.toIntExact(longAtLeast(key, fallback, min));
        }

        long longAtLeast(String key, long fallback, long min) {
            String raw = string(key, null);
            if (raw == null || raw.isEmpty()) {
                return fallback;
            }
            long value;
            try {
                value = Long.parseLong(raw);
            } catch (NumberFormatException e) {
                throw new ConfigException(key + " must be an integer, but was '" + raw + "'");
            }
            if (value < min || value > Integer.MAX_VALUE) {
                throw new ConfigException(key + " must be >= " + min + ", but was " + raw);
            }
            return value;
        }

        boolean bool(String key, boolean fallback) {
            String raw = string(key, null);
            if (raw == null || raw.isEmpty()) {
                return fallback;
            }
            return switch (raw.toLowerCase()) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new ConfigException(key + " must be true or false, but was '" + raw + "'");
            };
        }

        Duration positiveDuration(String key, Duration fallback) {
            String raw = string(key, null);
            if (raw == null || raw.isEmpty()) {
                return fallback;
            }
            Duration value;
            try {
                value = Durations.parse(raw);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key + " must be " + Durations.EXPECTED + ", but was '" + raw + "'");
            }
            if (value.isZero() || value.isNegative()) {
                throw new ConfigException(key + " must be > 0, but was '" + raw + "'");
            }
            return value;
        }

        Set<String> agents(String key) {
            Set<String> agents = new LinkedHashSet<>();
            for (String agent : split(string(key, ""))) {
                if (!Names.isAgentType(agent)) {
                    throw new ConfigException(key + " must list valid agent types, but contained '" + agent + "'");
                }
                agents.add(agent);
            }
            return agents;
        }
    }
}
