package io.agentfleet.orchestrator.config;

import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.messages.config.ConfigException;
import io.agentfleet.messages.config.ConfigValues;
import io.agentfleet.orchestrator.auth.Caller;
import io.agentfleet.orchestrator.registry.KnownAgentsConfig;
import io.agentfleet.orchestrator.shutdown.ShutdownConfig;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.value.PropertyResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads and validates {@link OrchestratorConfig} (each capability's record reads its own keys) and the API keys and
 * tenants; a bad value fails start-up naming the key and the value.
 */
@Factory
public class ConfigFactory {
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

    @Context
    public ShutdownConfig shutdownConfig(PropertyResolver props) {
        return ShutdownConfig.read(values(props));
    }

    /** Reads how agent types become known and how their results are read. */
    public static KnownAgentsConfig readKnownAgents(PropertyResolver props, OrchestratorConfig config) {
        ConfigValues r = values(props);
        String perReader = ConfigKeys.STREAMS_PER_READER;
        int streamsPerReader = r.intAtLeast(perReader, KnownAgentsConfig.DEFAULT_STREAMS_PER_READER, 1);
        if (streamsPerReader > KnownAgentsConfig.MAX_STREAMS_PER_READER) {
            throw new ConfigException(
                    perReader,
                    perReader + " must be <= " + KnownAgentsConfig.MAX_STREAMS_PER_READER + ", but was "
                            + streamsPerReader);
        }
        return new KnownAgentsConfig(
                config.workflow().allowedAgents(),
                r.positiveDuration(ConfigKeys.AGENTS_REFRESH, KnownAgentsConfig.DEFAULT_REFRESH),
                r.positiveDuration(ConfigKeys.AGENTS_MISS_REFRESH, KnownAgentsConfig.DEFAULT_MISS_REFRESH),
                streamsPerReader);
    }

    /** Reads the configuration from Micronaut properties (environment variables map onto them). */
    public static OrchestratorConfig read(PropertyResolver props) {
        ConfigValues r = values(props);
        StreamKeys keys;
        String prefix = r.string(ConfigKeys.PREFIX, StreamKeys.DEFAULT_PREFIX);
        try {
            keys = new StreamKeys(prefix);
        } catch (InvalidMessageException e) {
            throw new ConfigException(
                    ConfigKeys.PREFIX,
                    ConfigKeys.PREFIX + " must match [A-Za-z0-9._-]{1,64}, but was '" + prefix + "'");
        }
        ApiKeys apiKeys = apiKeys(r);
        IntakeConfig intake = IntakeConfig.read(r);
        WorkflowLimits workflow = WorkflowLimits.read(r);
        HttpLimits http = HttpLimits.read(r);
        ScheduleConfig schedule = ScheduleConfig.read(r);
        return new OrchestratorConfig(
                keys, apiKeys, tenantLimits(r, apiKeys), http, workflow, intake, schedule, keyBudgets(r, apiKeys));
    }

    private static ApiKeys apiKeys(ConfigValues r) {
        if (!r.bool(ConfigKeys.AUTH_ENABLED, true)) {
            return ApiKeys.disabled();
        }
        Map<String, String> byHash = new LinkedHashMap<>();
        String hashed = r.string(ConfigKeys.API_KEYS, "");
        addHashed(byHash, ConfigKeys.API_KEYS, hashed);
        String file = r.string(ConfigKeys.API_KEYS_FILE, "");
        if (!file.isBlank()) {
            try {
                for (String line : Files.readAllLines(Path.of(file))) {
                    String entry = line.strip();
                    if (!entry.isEmpty() && !entry.startsWith("#")) {
                        addHashed(byHash, ConfigKeys.API_KEYS_FILE + " (" + file + ")", entry);
                    }
                }
            } catch (IOException e) {
                throw new ConfigException(
                        ConfigKeys.API_KEYS_FILE,
                        ConfigKeys.API_KEYS_FILE + " cannot be read: '" + file + "' (" + e.getMessage() + ")");
            }
        }
        for (String entry : split(r.string(ConfigKeys.API_KEYS_PLAIN, ""))) {
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new ConfigException(
                        ConfigKeys.API_KEYS_PLAIN,
                        ConfigKeys.API_KEYS_PLAIN + " entries must be name:key, but one was '" + redact(entry) + "'");
            }
            String name = requireKeyName(ConfigKeys.API_KEYS_PLAIN, entry.substring(0, colon));
            byHash.put(ApiKeys.sha256Hex(entry.substring(colon + 1)), name);
        }
        if (byHash.isEmpty()) {
            throw new ConfigException(
                    ConfigKeys.API_KEYS,
                    "no API keys configured: set " + ConfigKeys.API_KEYS + " (FLEET_API_KEYS=name:sha256hex,...), "
                            + ConfigKeys.API_KEYS_FILE + " (FLEET_API_KEYS_FILE) or " + ConfigKeys.API_KEYS_PLAIN
                            + " (FLEET_API_KEYS_PLAIN=name:key,...),"
                            + " or switch authentication off with " + ConfigKeys.AUTH_ENABLED + "=false");
        }
        Set<String> names = new TreeSet<>(byHash.values());
        Map<String, String> tenants = new LinkedHashMap<>();
        for (String entry : split(r.string(ConfigKeys.API_KEY_TENANTS, ""))) {
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new ConfigException(
                        ConfigKeys.API_KEY_TENANTS,
                        ConfigKeys.API_KEY_TENANTS + " entries must be keyName:tenant, but one was '" + entry + "'");
            }
            String name = knownKey(ConfigKeys.API_KEY_TENANTS, entry.substring(0, colon), names);
            tenants.put(name, requireKeyName(ConfigKeys.API_KEY_TENANTS, entry.substring(colon + 1)));
        }
        Set<String> admins = new TreeSet<>();
        for (String name : split(r.string(ConfigKeys.ADMIN_KEYS, ""))) {
            admins.add(knownKey(ConfigKeys.ADMIN_KEYS, name, names));
        }
        return new ApiKeys(true, byHash, tenants, admins);
    }

    private static KeyBudgets keyBudgets(ConfigValues r, ApiKeys apiKeys) {
        Set<String> names = new TreeSet<>(apiKeys.nameByHash().values());
        Map<String, Long> tokens = new LinkedHashMap<>();
        amounts(r, ConfigKeys.API_KEY_DAILY_TOKENS, names).forEach((name, amount) -> {
            if (amount != Math.rint(amount)) {
                throw new ConfigException(
                        ConfigKeys.API_KEY_DAILY_TOKENS,
                        ConfigKeys.API_KEY_DAILY_TOKENS + " must give whole tokens, but '" + name + "' has " + amount);
            }
            tokens.put(name, (long) amount.doubleValue());
        });
        return new KeyBudgets(tokens, amounts(r, ConfigKeys.API_KEY_DAILY_COST, names));
    }

    /** {@code keyName:amount,...} with every name a configured key and every amount a number > 0. */
    private static Map<String, Double> amounts(ConfigValues r, String key, Set<String> names) {
        Map<String, Double> amounts = new LinkedHashMap<>();
        for (String entry : split(r.string(key, ""))) {
            int colon = entry.indexOf(':');
            double amount = colon <= 0 ? 0 : parseAmount(entry.substring(colon + 1));
            if (!(amount > 0) || Double.isInfinite(amount)) {
                throw new ConfigException(
                        key, key + " entries must be keyName:amount (amount > 0), but one was '" + entry + "'");
            }
            amounts.put(knownKey(key, entry.substring(0, colon), names), amount);
        }
        return amounts;
    }

    private static double parseAmount(String value) {
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String knownKey(String key, String name, Set<String> names) {
        if (!names.contains(name)) {
            throw new ConfigException(
                    key,
                    key + " names the API key '" + name + "', which is not configured (configured: "
                            + String.join(", ", names) + ")");
        }
        return name;
    }

    /**
     * {@code fleet.tenants.<tenant>.max-runs-in-flight}, {@code .allowed-agents} and {@code .rate-limit} of every
     * tenant some key belongs to ({@code anonymous} with authentication off).
     */
    private static Map<String, TenantLimits> tenantLimits(ConfigValues r, ApiKeys apiKeys) {
        Set<String> tenants = apiKeys.enabled() ? apiKeys.tenants() : Set.of(Caller.ANONYMOUS.tenant());
        Map<String, TenantLimits> limits = new LinkedHashMap<>();
        for (String tenant : tenants) {
            String at = ConfigKeys.TENANTS + tenant + ".";
            TenantLimits l = new TenantLimits(
                    r.intAtLeast(at + ConfigKeys.TENANT_MAX_RUNS_IN_FLIGHT, 0, 0),
                    agents(r, at + ConfigKeys.TENANT_ALLOWED_AGENTS),
                    r.intAtLeast(at + ConfigKeys.TENANT_RATE_LIMIT, 0, 0));
            if (!l.equals(TenantLimits.NONE)) {
                limits.put(tenant, l);
            }
        }
        return limits;
    }

    static Set<String> agents(ConfigValues r, String key) {
        Set<String> agents = new LinkedHashSet<>();
        for (String agent : split(r.string(key, ""))) {
            if (!Names.isAgentType(agent)) {
                throw new ConfigException(key, key + " must list valid agent types, but contained '" + agent + "'");
            }
            agents.add(agent);
        }
        return agents;
    }

    /** {@code name:amount,...} with each amount a whole number >= 1, by name; names must be valid agent types. */
    static Map<String, Long> agentAmounts(ConfigValues r, String key) {
        Map<String, Long> amounts = new LinkedHashMap<>();
        for (String entry : split(r.string(key, ""))) {
            int colon = entry.indexOf(':');
            String agent = colon < 0 ? entry : entry.substring(0, colon);
            long amount = colon < 0 ? 0 : parsePositive(entry.substring(colon + 1));
            if (!Names.isAgentType(agent) || amount < 1) {
                throw new ConfigException(
                        key, key + " entries must be agentType:tokens (tokens >= 1), but one was '" + entry + "'");
            }
            amounts.put(agent, amount);
        }
        return amounts;
    }

    private static long parsePositive(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void addHashed(Map<String, String> byHash, String key, String value) {
        for (String entry : split(value)) {
            int colon = entry.indexOf(':');
            String hash = colon < 0 ? "" : entry.substring(colon + 1);
            if (colon <= 0 || !SHA256_HEX.matcher(hash).matches()) {
                throw new ConfigException(
                        key,
                        key + " entries must be name:sha256hex (64 hex digits), but one was '" + redact(entry) + "'");
            }
            byHash.put(hash.toLowerCase(), requireKeyName(key, entry.substring(0, colon)));
        }
    }

    private static String requireKeyName(String key, String name) {
        if (!KEY_NAME.matcher(name).matches()) {
            throw new ConfigException(key, key + ": key name must match " + KEY_NAME + ", but was '" + name + "'");
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

    /** The shared parser over Micronaut properties (environment variables map onto them). */
    public static ConfigValues values(PropertyResolver props) {
        return new ConfigValues(key -> props.getProperty(key, String.class));
    }
}
