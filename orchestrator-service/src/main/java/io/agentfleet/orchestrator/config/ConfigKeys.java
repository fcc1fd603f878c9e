package io.agentfleet.orchestrator.config;

/**
 * The orchestrator's configuration keys. Each is also read from the environment variable named after it (Micronaut
 * maps {@code FLEET_ORCHESTRATOR_MAX_TASKS} onto {@code fleet.orchestrator.max-tasks}).
 */
public final class ConfigKeys {
    public static final String PREFIX = "fleet.prefix";
    /** How long SIGTERM waits for in-flight HTTP requests and result batches ({@code FLEET_SHUTDOWN_GRACE}). */
    public static final String SHUTDOWN_GRACE = "fleet.shutdown-grace";

    public static final String AUTH_ENABLED = "fleet.auth.enabled";
    public static final String API_KEYS = "fleet.api-keys";
    public static final String API_KEYS_FILE = "fleet.api-keys-file";
    public static final String API_KEYS_PLAIN = "fleet.api-keys-plain";
    public static final String API_KEY_TENANTS = "fleet.api-key-tenants";
    public static final String ADMIN_KEYS = "fleet.admin-keys";
    /** {@code keyName:tokens,...}: the most tokens each key's runs may spend per UTC day. */
    public static final String API_KEY_DAILY_TOKENS = "fleet.api-key-daily-tokens";
    /** {@code keyName:cost,...}: the most cost each key's runs may spend per UTC day. */
    public static final String API_KEY_DAILY_COST = "fleet.api-key-daily-cost";
    /** Followed by {@code <tenant>.}{@link #TENANT_MAX_RUNS_IN_FLIGHT} and the other tenant keys. */
    public static final String TENANTS = "fleet.tenants.";

    public static final String TENANT_MAX_RUNS_IN_FLIGHT = "max-runs-in-flight";
    public static final String TENANT_ALLOWED_AGENTS = "allowed-agents";
    public static final String TENANT_RATE_LIMIT = "rate-limit";

    private static final String O = "fleet.orchestrator.";
    public static final String CONSUMER_NAME = O + "consumer-name";
    public static final String MAX_TASKS = O + "max-tasks";
    public static final String MAX_STEPS_DEFAULT = O + "max-steps-default";
    public static final String MAX_STEPS_LIMIT = O + "max-steps-limit";
    public static final String MAX_INPUT_BYTES = O + "max-input-bytes";
    public static final String MAX_REQUEST_BYTES = O + "max-request-bytes";
    public static final String RETENTION = O + "retention";
    public static final String CLAIM_AFTER = O + "claim-after";
    public static final String READ_COUNT = O + "read-count";
    public static final String READ_BLOCK = O + "read-block";
    public static final String MAX_BACKLOG = O + "max-backlog";
    public static final String ALLOWED_AGENTS = O + "allowed-agents";
    /** {@code agent:tokens,...}: what a task of each agent type reserves and is capped at by default. */
    public static final String TASK_MAX_TOKENS = O + "task-max-tokens";

    public static final String MAX_SPAWN_DEPTH = O + "max-spawn-depth";
    public static final String MAX_WORKFLOW_DEPTH = O + "max-workflow-depth";
    public static final String RATE_LIMIT = O + "rate-limit";
    public static final String RATE_WINDOW = O + "rate-window";
    public static final String AUTH_FAILURE_LIMIT = O + "auth-failure-limit";
    public static final String AUTH_FAILURE_WINDOW = O + "auth-failure-window";
    public static final String TRUSTED_PROXIES = O + "trusted-proxies";
    public static final String IDEMPOTENCY_WINDOW = O + "idempotency-window";
    public static final String WATCH_INTERVAL = O + "watch-interval";
    public static final String RECONCILE_AFTER = O + "reconcile-after";
    public static final String PROMOTE_INTERVAL = O + "promote-interval";
    public static final String STREAMS_PER_READER = O + "streams-per-reader";
    public static final String AGENTS_REFRESH = O + "agents-refresh";
    public static final String AGENTS_MISS_REFRESH = O + "agents-miss-refresh";

    private ConfigKeys() {}
}
