package io.agentfleet.tools.deploy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps docker-compose.yml honest: one scalable worker service per demo agent type, each authenticating as its own
 * least-privilege ACL user whose development password matches deploy/users.acl, Redis running the project's
 * redis.conf and ACL file, services waiting for a healthy Redis, and the observability profile complete.
 */
class DockerComposeTest {
    static final Set<String> DEMO_AGENT_TYPES = Set.of("planner", "researcher", "coder", "reviewer");
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");
    private static final Pattern ACL_USER = Pattern.compile("^user (\\S+) (.*)$", Pattern.MULTILINE);
    private static final Pattern ACL_HASH = Pattern.compile("(?:^|\\s)#([0-9a-f]{64})(?:\\s|$)");

    private static Path root;
    private static Map<String, Object> services;
    private static Map<String, String> aclHashes;

    @BeforeAll
    static void loadComposeFile() {
        root = ProjectRoot.find();
        services = Yamls.map(Yamls.load(root.resolve("docker-compose.yml")), "services");
        aclHashes = aclPasswordHashes(Yamls.read(root.resolve("deploy/users.acl")));
    }

    static Stream<String> demoAgentTypes() {
        return DEMO_AGENT_TYPES.stream().sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("demoAgentTypes")
    void everyDemoAgentTypeHasAWorkerService(String agentType) {
        List<String> serving = workers().entrySet().stream()
                .filter(worker ->
                        agentType.equals(environment(worker.getValue()).get("FLEET_AGENTS")))
                .map(Map.Entry::getKey)
                .toList();
        assertEquals(1, serving.size(), "compose services with FLEET_AGENTS=" + agentType + ": " + serving);
    }

    @Test
    void workersCanBeScaledWithoutNameOrPortClashes() {
        assertAll(workers().entrySet().stream().map(worker -> () -> {
            assertNull(
                    worker.getValue().get("container_name"),
                    worker.getKey() + " sets container_name, so `docker compose up --scale " + worker.getKey()
                            + "=3` fails");
            assertEquals(
                    List.of(),
                    publishedHostPorts(worker.getValue()),
                    worker.getKey() + " publishes fixed host ports, so a second replica cannot bind them");
        }));
    }

    @Test
    void eachWorkerAuthenticatesAsItsOwnAclUserWithTheDocumentedPassword() {
        assertAll(workers().entrySet().stream().map(worker -> () -> {
            String agentType = environment(worker.getValue()).get("FLEET_AGENTS");
            assertRedisUrlUser(worker.getKey(), worker.getValue(), "worker-" + agentType);
        }));
    }

    @Test
    void theOrchestratorAuthenticatesAsTheOrchestratorUser() {
        assertRedisUrlUser("orchestrator", service("orchestrator"), "orchestrator");
    }

    @Test
    void redisRunsTheProjectConfigurationAndAclFile() throws Exception {
        Map<String, Object> redis = service("redis");
        Map<String, String> mounts = bindMounts(redis);
        String confTarget = mounts.get("./deploy/redis.conf");
        String aclTarget = mounts.get("./deploy/users.acl");
        assertNotNull(confTarget, "redis does not mount ./deploy/redis.conf; mounts: " + mounts);
        assertNotNull(aclTarget, "redis does not mount ./deploy/users.acl; mounts: " + mounts);
        assertTrue(
                commandLine(redis).contains(confTarget),
                "redis' command " + commandLine(redis) + " does not load " + confTarget);
        String aclfile = Files.readAllLines(root.resolve("deploy/redis.conf")).stream()
                .map(String::trim)
                .filter(line -> line.startsWith("aclfile "))
                .map(line -> line.substring("aclfile ".length()).trim())
                .findFirst()
                .orElseThrow(() -> new AssertionError("deploy/redis.conf sets no aclfile"));
        assertEquals(aclfile, aclTarget, "users.acl must be mounted where deploy/redis.conf's aclfile points");
    }

    @Test
    void everyBindMountedFileExists() {
        assertAll(services.entrySet().stream()
                .flatMap(service -> bindMounts(service.getValue()).keySet().stream()
                        .map(source -> () -> assertTrue(
                                Files.exists(root.resolve(source).normalize()),
                                service.getKey() + " mounts " + source + ", which does not exist"))));
    }

    @Test
    void redisHealthcheckAuthenticatesAsTheExporterUser() {
        Map<String, Object> redis = service("redis");
        String healthcheck = commandLine(Yamls.map(redis, "healthcheck"), "test");
        assertTrue(healthcheck.contains("ping"), "redis' healthcheck does not PING: " + healthcheck);
        Matcher user = Pattern.compile("--user\\s+(\\S+)").matcher(healthcheck);
        assertTrue(user.find(), "redis' healthcheck names no ACL user (the default user is off): " + healthcheck);
        String password = interpolateDefaults(environment(redis).get("REDISCLI_AUTH"));
        assertPasswordMatchesAcl("redis healthcheck", user.group(1), password);
    }

    @Test
    void servicesStartOnlyOnceRedisIsHealthy() {
        assertNotNull(Yamls.at(service("redis"), "healthcheck", "test"), "redis has no healthcheck to wait for");
        Map<String, Object> dependents = new LinkedHashMap<>(workers());
        dependents.put("orchestrator", service("orchestrator"));
        assertAll(dependents.entrySet().stream()
                .map(dependent -> () -> assertEquals(
                        "service_healthy",
                        Yamls.string(dependent.getValue(), "depends_on", "redis", "condition"),
                        dependent.getKey() + " must wait for redis: condition service_healthy")));
    }

    @Test
    void workersGetMoreTimeToStopThanTheyTakeToDrain() {
        assertAll(workers().entrySet().stream().map(worker -> () -> {
            Duration drain = Durations.ofServiceSetting(
                    worker.getKey() + " FLEET_SHUTDOWN_GRACE",
                    environment(worker.getValue()).get("FLEET_SHUTDOWN_GRACE"));
            Object stopGrace = worker.getValue().get("stop_grace_period");
            Duration stop = stopGrace == null
                    ? Duration.ofSeconds(10)
                    : Durations.ofCompose(worker.getKey() + " stop_grace_period", String.valueOf(stopGrace));
            assertTrue(
                    stop.compareTo(drain) > 0,
                    worker.getKey() + ": stop_grace_period " + stop + " must exceed FLEET_SHUTDOWN_GRACE " + drain
                            + ", or Docker SIGKILLs tasks that are still finishing");
        }));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"collector", "jaeger", "prometheus", "grafana"})
    void theObservabilityProfileHasItsServices(String part) {
        List<String> matching = services.entrySet().stream()
                .filter(service -> service.getKey().contains(part))
                .filter(service -> Yamls.list(service.getValue(), "profiles").contains("observability"))
                .map(Map.Entry::getKey)
                .toList();
        assertEquals(1, matching.size(), "services named *" + part + "* in profile observability: " + matching);
    }

    @Test
    void theCoreStackNeedsNoObservabilityService() {
        assertAll(services.entrySet().stream()
                .filter(service -> Yamls.list(service.getValue(), "profiles").isEmpty())
                .flatMap(service -> dependencies(service.getValue()).stream()
                        .map(dependency -> () -> assertTrue(
                                Yamls.list(service(dependency), "profiles").isEmpty(),
                                service.getKey() + " depends on " + dependency + ", which only runs with a profile"))));
    }

    // ------------------------------------------------------------------ helpers

    /** The services that run a worker: those whose environment sets FLEET_AGENTS. */
    private static Map<String, Map<String, Object>> workers() {
        Map<String, Map<String, Object>> workers = new LinkedHashMap<>();
        services.forEach((name, service) -> {
            Map<String, Object> definition = Yamls.map(service);
            if (environment(definition).containsKey("FLEET_AGENTS")) {
                workers.put(name, definition);
            }
        });
        assertFalse(workers.isEmpty(), "docker-compose.yml has no worker service (none sets FLEET_AGENTS)");
        return workers;
    }

    private static Map<String, Object> service(String name) {
        Map<String, Object> service = Yamls.map(services, name);
        assertFalse(service.isEmpty(), "docker-compose.yml has no service " + name);
        return service;
    }

    /** {@code environment:} as a map, whether written as a mapping or as {@code KEY=value} items. */
    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof Map<?, ?> map) {
            map.forEach((k, v) -> env.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (raw instanceof List<?> list) {
            for (Object item : list) {
                String text = String.valueOf(item);
                int eq = text.indexOf('=');
                env.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? null : text.substring(eq + 1));
            }
        }
        return env;
    }

    /** Replaces every {@code ${VAR:-default}} with its default, as compose does when VAR is unset. */
    private static String interpolateDefaults(String value) {
        assertNotNull(value, "value to interpolate");
        Matcher m = INTERPOLATION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void assertRedisUrlUser(String serviceName, Map<String, Object> service, String expectedUser) {
        String raw = environment(service).get("REDIS_URL");
        assertNotNull(raw, serviceName + " sets no REDIS_URL");
        URI uri = URI.create(interpolateDefaults(raw));
        String userInfo = uri.getRawUserInfo();
        assertNotNull(userInfo, serviceName + "'s REDIS_URL has no user: it would log in as the disabled default user");
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        assertEquals(expectedUser, user, "ACL user in " + serviceName + "'s REDIS_URL");
        assertTrue(colon > 0, serviceName + "'s REDIS_URL has no password");
        assertTrue(
                raw.contains("${"),
                serviceName
                        + "'s REDIS_URL must take its password from a variable, with the dev password only as default");
        assertPasswordMatchesAcl(serviceName, user, userInfo.substring(colon + 1));
    }

    private static void assertPasswordMatchesAcl(String who, String user, String password) {
        assertTrue(
                aclHashes.containsKey(user), who + " logs in as " + user + ", which deploy/users.acl does not define");
        assertEquals(
                aclHashes.get(user),
                sha256(password),
                who + ": the default password of user " + user + " does not match its hash in deploy/users.acl");
    }

    private static Map<String, String> aclPasswordHashes(String acl) {
        Map<String, String> hashes = new LinkedHashMap<>();
        Matcher line = ACL_USER.matcher(acl);
        while (line.find()) {
            Matcher hash = ACL_HASH.matcher(line.group(2));
            hashes.put(line.group(1), hash.find() ? hash.group(1) : null);
        }
        return hashes;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Host ports a service binds: {@code "8080:8080"}, {@code "127.0.0.1:80:80"} or long syntax with {@code published}. */
    private static List<String> publishedHostPorts(Map<String, Object> service) {
        return Yamls.list(service, "ports").stream()
                .map(port ->
                        port instanceof Map<?, ?> ? Yamls.string(port, "published") : hostPartOf(String.valueOf(port)))
                .filter(published -> published != null && !published.isEmpty())
                .toList();
    }

    private static String hostPartOf(String shortSyntax) {
        String spec = shortSyntax.replaceFirst("/(tcp|udp|sctp)$", "");
        int last = spec.lastIndexOf(':');
        return last < 0 ? null : spec.substring(0, last);
    }

    /** Bind mounts as source (as written, relative to the project) to target. */
    private static Map<String, String> bindMounts(Object service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (Object volume : Yamls.list(service, "volumes")) {
            if (volume instanceof Map<?, ?>) {
                String source = Yamls.string(volume, "source");
                if ("bind".equals(Yamls.string(volume, "type")) && source != null) {
                    mounts.put(source, Yamls.string(volume, "target"));
                }
                continue;
            }
            String[] parts = String.valueOf(volume).split(":");
            if (parts.length >= 2
                    && (parts[0].startsWith("./") || parts[0].startsWith("../") || parts[0].startsWith("/"))) {
                mounts.put(parts[0], parts[1]);
            }
        }
        return mounts;
    }

    private static String commandLine(Map<String, Object> service) {
        return commandLine(service, "command");
    }

    private static String commandLine(Map<String, Object> node, String key) {
        Object command = node.get(key);
        return command instanceof List<?> list
                ? String.join(" ", list.stream().map(String::valueOf).toList())
                : Optional.ofNullable(command).map(String::valueOf).orElse("");
    }

    private static Set<String> dependencies(Object service) {
        Object dependsOn = Yamls.at(service, "depends_on");
        if (dependsOn instanceof Map<?, ?> map) {
            return map.keySet().stream().map(String::valueOf).collect(Collectors.toSet());
        }
        return Yamls.list(service, "depends_on").stream().map(String::valueOf).collect(Collectors.toSet());
    }
}
