package io.agentfleet.tools.deploy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.tools.deploy.Manifests.Rendering;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps k8s/ honest against the code: every overlay, rendered as {@code kubectl apply -k} would see it, runs one
 * worker Deployment per agent type that KEDA scales on exactly the streams and group the workers consume
 * ({@link StreamKeys}; one lag and one pending trigger per partition and priority level, summed by
 * {@code scalingModifiers}), drains within its grace period, and runs locked down; the KEDA objects are valid against
 * KEDA's CRD schemas ({@link CrdSchema}). The same invariants are checked on the
 * Java fallback rendering (used where kubectl is missing), so that path is exercised on every run.
 */
class KustomizeOverlaysTest {
    static final Set<String> AGENT_TYPES = Set.of("planner", "researcher", "coder", "reviewer", "llm");
    static final String AGENT_TYPE_LABEL = "agentfleet.io/agent-type";
    static final String ORCHESTRATOR_NAME_LABEL = "app.kubernetes.io/name";
    static final String ORCHESTRATOR_NAME = "agentfleet-orchestrator";
    static final String LIVENESS_PATH = "/health/liveness";
    static final String READINESS_PATH = "/health/readiness";
    /** Kubernetes' default when a pod spec leaves terminationGracePeriodSeconds out. */
    static final long DEFAULT_TERMINATION_GRACE_SECONDS = 30;

    static final Set<String> REDIS_STREAM_TRIGGERS = Set.of("redis-streams", "redis-cluster-streams");
    /** The example of a partitioned agent type in the prod overlay (k8s/overlays/prod/patches/coder-partitions.yaml). */
    static final String PARTITIONED_IN_PROD = "coder";

    static final int PROD_PARTITIONS = 3;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** expr-lang built-ins and keywords a scalingModifiers formula may use besides trigger names. */
    private static final Set<String> FORMULA_WORDS = Set.of(
            "max", "min", "abs", "ceil", "floor", "round", "float", "int", "len", "sum", "true", "false", "nil", "and",
            "or", "not", "in", "let");

    private static final List<CrdSchema> KEDA_CRDS = List.of(
            CrdSchema.load("keda-crds/keda.sh_scaledobjects.yaml"),
            CrdSchema.load("keda-crds/keda.sh_triggerauthentications.yaml"));
    private static final List<String> OVERLAYS = List.of("k8s/overlays/dev", "k8s/overlays/prod");
    private static final Map<String, Rendering> CACHE = new ConcurrentHashMap<>();

    /** Each overlay as deployed (kubectl if present), plus the Java fallback of the base and of one overlay. */
    static Stream<Rendering> renderings() {
        List<Rendering> renderings = new ArrayList<>();
        for (String overlay : OVERLAYS) {
            renderings.add(CACHE.computeIfAbsent(overlay, dir -> Manifests.render(ProjectRoot.resolve(dir))));
        }
        for (String dir : List.of("k8s/base", "k8s/overlays/dev")) {
            renderings.add(CACHE.computeIfAbsent(
                    "fallback:" + dir, key -> Manifests.withJavaFallback(ProjectRoot.resolve(dir))));
        }
        return renderings.stream();
    }

    // ------------------------------------------------------------------ agent types and workers

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void agentTypesAreExactlyThoseWithAWorkerDeployment(Rendering rendering) {
        Set<String> deployed = labelledAgentTypes(rendering, "Deployment");
        assertEquals(new TreeSet<>(AGENT_TYPES), deployed, "agent types with a worker Deployment in " + rendering);
        assertAll(
                () -> assertEquals(
                        deployed,
                        labelledAgentTypes(rendering, "ScaledObject"),
                        "agent types of the ScaledObjects in " + rendering),
                () -> assertEquals(
                        deployed,
                        labelledAgentTypes(rendering, "PodDisruptionBudget"),
                        "agent types of the worker PodDisruptionBudgets in " + rendering),
                () -> assertEquals(
                        workers(rendering).size(),
                        deployed.size(),
                        "one worker Deployment per agent type in " + rendering));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void eachWorkerDeploymentServesExactlyItsAgentType(Rendering rendering) {
        assertAll(workers(rendering).stream().map(worker -> () -> {
            assertEquals(
                    worker.type(), env(worker.container(), "FLEET_AGENTS").orElse(null), "FLEET_AGENTS of " + worker);
            assertEquals(
                    worker.type(),
                    Yamls.string(worker.deployment(), "spec", "template", "metadata", "labels", AGENT_TYPE_LABEL),
                    "pod template label " + AGENT_TYPE_LABEL + " of " + worker);
            assertEquals(
                    worker.type(),
                    Yamls.string(worker.deployment(), "spec", "selector", "matchLabels", AGENT_TYPE_LABEL),
                    "selector label " + AGENT_TYPE_LABEL + " of " + worker);
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void kedaScalesEachWorkerOnItsOwnTaskStreamLagAndPending(Rendering rendering) {
        assertAll(workers(rendering).stream().map(worker -> () -> {
            Map<String, Object> scaledObject = scaledObjectOf(rendering, worker);
            String targetKind = Yamls.string(scaledObject, "spec", "scaleTargetRef", "kind");
            assertTrue(
                    targetKind == null || targetKind.equals("Deployment"),
                    "scaleTargetRef.kind of " + worker + ": " + targetKind);
            assertReplicaBounds(worker, scaledObject);
            assertRedisStreamsTriggers(rendering, worker, Yamls.maps(scaledObject, "spec", "triggers"));
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void theKeyPrefixIsTheOneKedaWatches(Rendering rendering) {
        List<String> prefixes = rendering.ofKind("ConfigMap").stream()
                .map(cm -> Yamls.string(cm, "data", "FLEET_PREFIX"))
                .filter(Objects::nonNull)
                .toList();
        assertFalse(prefixes.isEmpty(), "no ConfigMap sets FLEET_PREFIX in " + rendering);
        prefixes.forEach(prefix -> assertEquals(
                StreamKeys.DEFAULT.prefix(),
                prefix,
                "FLEET_PREFIX: the KEDA triggers watch " + StreamKeys.DEFAULT.tasks("coder") + " and the like"));
        assertAll(deployments(rendering).stream()
                .map(d -> () -> assertTrue(
                        env(container(d), "FLEET_PREFIX")
                                .map(StreamKeys.DEFAULT.prefix()::equals)
                                .orElse(true),
                        "FLEET_PREFIX env of " + name(d))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void aPartitionedTypeScalesOnTheSumOverItsPartitions(Rendering rendering) {
        assertAll(workers(rendering).stream().map(worker -> () -> {
            Map<String, Object> scaledObject = scaledObjectOf(rendering, worker);
            Map<String, Object> modifiers = Yamls.map(scaledObject, "spec", "advanced", "scalingModifiers");
            int streams = partitionStreams(worker).size();
            if (streams == 1 && modifiers.isEmpty()) {
                return;
            }
            assertFalse(
                    modifiers.isEmpty(),
                    worker + " has " + streams + " task streams (partitions x priority levels) but its ScaledObject"
                            + " has no advanced.scalingModifiers: KEDA would scale on the busiest stream only");
            List<Map<String, Object>> triggers = Yamls.maps(scaledObject, "spec", "triggers");
            List<String> names =
                    triggers.stream().map(t -> Yamls.string(t, "name")).toList();
            String formula = Yamls.string(modifiers, "formula");
            assertNotNull(formula, "scalingModifiers.formula of " + worker);
            Set<String> used = new TreeSet<>();
            Matcher identifier = IDENTIFIER.matcher(formula);
            while (identifier.find()) {
                if (!FORMULA_WORDS.contains(identifier.group())) {
                    used.add(identifier.group());
                }
            }
            String target = Yamls.string(modifiers, "target");
            assertAll(
                    () -> assertFalse(names.contains(null), "every trigger of " + worker + " needs a name: " + names),
                    // KEDA feeds the HPA only the formula's result: a trigger the formula leaves out is ignored.
                    () -> assertEquals(
                            new TreeSet<>(names),
                            used,
                            "names in the formula '" + formula + "' of " + worker + " against its trigger names"),
                    () -> assertTrue(
                            target != null && target.matches("[0-9]+(\\.[0-9]+)?") && Double.parseDouble(target) > 0,
                            "scalingModifiers.target of " + worker + " must be a positive number: " + target),
                    () -> assertEquals(
                            "0",
                            Yamls.string(modifiers, "activationTarget"),
                            "scalingModifiers.activationTarget of " + worker + ": one task must wake the type"),
                    () -> assertEquals(
                            "AverageValue",
                            Optional.ofNullable(Yamls.string(modifiers, "metricType"))
                                    .orElse("AverageValue"),
                            "scalingModifiers.metricType of " + worker));
        }));
    }

    /** ScaledObjects and TriggerAuthentications against KEDA 2.20.2's CRD schemas (unknown fields refused). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void kedaObjectsAreValidAgainstTheKedaCrds(Rendering rendering) {
        List<Executable> checks = new ArrayList<>();
        for (CrdSchema crd : KEDA_CRDS) {
            List<Map<String, Object>> objects = rendering.ofKind(crd.kind());
            checks.add(() -> assertFalse(objects.isEmpty(), "no " + crd.kind() + " in " + rendering));
            for (Map<String, Object> object : objects) {
                checks.add(() -> assertEquals(
                        List.of(),
                        crd.violations(object),
                        crd.kind() + " " + name(object) + " against the KEDA CRD schema"));
            }
        }
        assertAll(checks);
    }

    @Test
    void theKedaSchemaCheckRefusesWhatKedaRefuses() {
        CrdSchema scaledObjects = KEDA_CRDS.getFirst();
        Map<String, Object> valid = Map.of(
                "apiVersion",
                "keda.sh/v1alpha1",
                "kind",
                "ScaledObject",
                "metadata",
                Map.of("name", "x"),
                "spec",
                Map.of(
                        "scaleTargetRef",
                        Map.of("name", "x"),
                        "advanced",
                        Map.of("scalingModifiers", Map.of("formula", "a", "target", "1", "metricType", "AverageValue")),
                        "triggers",
                        List.of(Map.of("type", "redis-streams", "name", "a", "metadata", Map.of("lagCount", "5")))));
        Map<String, Object> numberInMetadata = Map.of(
                "apiVersion",
                "keda.sh/v1alpha1",
                "kind",
                "ScaledObject",
                "spec",
                Map.of(
                        "scaleTargetRef",
                        Map.of("name", "x"),
                        "advanced",
                        Map.of("scalingModifiers", Map.of("formula", "a", "metricType", "Utilization", "extra", "1")),
                        "triggers",
                        List.of(Map.of("type", "redis-streams", "metadata", Map.of("lagCount", 5)))));
        assertAll(
                () -> assertEquals(List.of(), scaledObjects.violations(valid), "a valid ScaledObject"),
                () -> assertEquals(
                        Set.of(
                                ".spec.advanced.scalingModifiers.metricType: Utilization is not one of [AverageValue, Value]",
                                ".spec.advanced.scalingModifiers.extra: unknown field",
                                ".spec.triggers[0].metadata.lagCount: must be string, is Integer 5"),
                        Set.copyOf(scaledObjects.violations(numberInMetadata)),
                        "violations of an invalid ScaledObject"));
    }

    @Test
    void theProdOverlayRunsAPartitionedTypeOnRedisCluster() {
        Rendering prod = renderings()
                .filter(r -> r.kustomized() && r.description().startsWith("k8s/overlays/prod"))
                .findFirst()
                .orElse(null);
        assumeTrue(prod != null, "kubectl is not on PATH: the prod overlay's patches cannot be applied");
        List<Worker> workers = workers(prod);
        Worker coder = workers.stream()
                .filter(w -> PARTITIONED_IN_PROD.equals(w.type()))
                .findFirst()
                .orElseThrow();
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> assertEquals(
                PROD_PARTITIONS, partitions(coder), partitionsVariable(PARTITIONED_IN_PROD) + " of " + coder));
        for (Worker worker : workers) {
            for (Map<String, Object> trigger : Yamls.maps(scaledObjectOf(prod, worker), "spec", "triggers")) {
                checks.add(() -> assertEquals(
                        "redis-cluster-streams",
                        trigger.get("type"),
                        "type of trigger " + trigger.get("name") + " of " + worker + " (prod runs on Redis Cluster)"));
                checks.add(() -> assertNotNull(
                        Yamls.string(trigger, "metadata", "addressesFromEnv"),
                        "addressesFromEnv (the cluster's seed nodes) of trigger " + trigger.get("name") + " of "
                                + worker));
            }
        }
        List<Map<String, Object>> authentications = prod.ofKind("TriggerAuthentication");
        checks.add(() -> assertEquals(1, authentications.size(), "TriggerAuthentications in " + prod));
        checks.add(() -> assertEquals(
                List.of("tls"),
                Yamls.maps(authentications.getFirst(), "spec", "secretTargetRef").stream()
                        .map(ref -> Yamls.string(ref, "parameter"))
                        .filter("tls"::equals)
                        .toList(),
                "prod's TriggerAuthentication switches KEDA's TLS on (parameter tls), once"));
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void everyWorkerHasItsOwnDisruptionBudget(Rendering rendering) {
        List<Worker> workers = workers(rendering);
        assertAll(workers.stream().map(worker -> () -> {
            List<Map<String, Object>> budgets = rendering.ofKind("PodDisruptionBudget").stream()
                    .filter(pdb -> selects(pdb, worker.deployment()))
                    .toList();
            assertEquals(1, budgets.size(), "PodDisruptionBudgets selecting the pods of " + worker);
            Map<String, Object> budget = budgets.getFirst();
            assertTrue(
                    Yamls.at(budget, "spec", "maxUnavailable") != null
                            || Yamls.at(budget, "spec", "minAvailable") != null,
                    "PodDisruptionBudget " + name(budget) + " sets neither maxUnavailable nor minAvailable");
            List<String> alsoSelected = workers.stream()
                    .filter(other -> other != worker && selects(budget, other.deployment()))
                    .map(Worker::name)
                    .toList();
            assertEquals(
                    List.of(), alsoSelected, "PodDisruptionBudget " + name(budget) + " must select only " + worker);
        }));
    }

    // ------------------------------------------------------------------ every AgentFleet Deployment

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void everyServiceIsProbedOnItsHealthEndpoints(Rendering rendering) {
        assertAll(deployments(rendering).stream().map(deployment -> () -> {
            Map<String, Object> container = container(deployment);
            assertHttpProbe(deployment, container, "livenessProbe", LIVENESS_PATH);
            assertHttpProbe(deployment, container, "readinessProbe", READINESS_PATH);
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void everyServiceRunsAsNonRootOnAReadOnlyRootFilesystem(Rendering rendering) {
        assertAll(deployments(rendering).stream().map(deployment -> () -> {
            Map<String, Object> pod = podSpec(deployment);
            Map<String, Object> container = container(deployment);
            Object runAsNonRoot = Optional.ofNullable(Yamls.at(container, "securityContext", "runAsNonRoot"))
                    .orElse(Yamls.at(pod, "securityContext", "runAsNonRoot"));
            assertEquals(Boolean.TRUE, runAsNonRoot, "runAsNonRoot of " + name(deployment));
            assertEquals(
                    Boolean.TRUE,
                    Yamls.at(container, "securityContext", "readOnlyRootFilesystem"),
                    "readOnlyRootFilesystem of " + name(deployment));
            assertEquals(
                    Boolean.FALSE,
                    Yamls.at(container, "securityContext", "allowPrivilegeEscalation"),
                    "allowPrivilegeEscalation of " + name(deployment));
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void kubernetesWaitsLongerThanTheServicesDrain(Rendering rendering) {
        assertAll(deployments(rendering).stream().map(deployment -> () -> {
            Duration drain = Durations.ofServiceSetting(
                    "FLEET_SHUTDOWN_GRACE of " + name(deployment),
                    env(container(deployment), "FLEET_SHUTDOWN_GRACE").orElse(null));
            Duration preStop = preStopSleep(container(deployment));
            Object grace = Yamls.at(podSpec(deployment), "terminationGracePeriodSeconds");
            Duration termination = Duration.ofSeconds(
                    grace == null ? DEFAULT_TERMINATION_GRACE_SECONDS : ((Number) grace).longValue());
            assertTrue(
                    termination.compareTo(drain.plus(preStop)) > 0,
                    name(deployment) + ": terminationGracePeriodSeconds "
                            + termination.toSeconds() + " must exceed FLEET_SHUTDOWN_GRACE " + drain
                            + " plus the preStop sleep "
                            + preStop + ", or Kubernetes SIGKILLs tasks that are still finishing");
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void secretsAreOnlyReferencedNeverRendered(Rendering rendering) {
        List<String> inlined = rendering.ofKind("Secret").stream()
                .filter(secret -> !Yamls.map(secret, "data").isEmpty()
                        || !Yamls.map(secret, "stringData").isEmpty())
                .map(KustomizeOverlaysTest::name)
                .toList();
        assertEquals(
                List.of(),
                inlined,
                "Secrets with data in " + rendering + " (they belong in the cluster's secret store)");
        assertAll(deployments(rendering).stream().map(deployment -> () -> {
            Map<String, Object> redisUrl = envEntry(container(deployment), "REDIS_URL")
                    .orElseThrow(() -> new AssertionError(name(deployment) + " sets no REDIS_URL"));
            assertEquals(
                    null,
                    redisUrl.get("value"),
                    "REDIS_URL of " + name(deployment) + " must not be a literal: it holds a password");
            assertNotNull(
                    Yamls.string(redisUrl, "valueFrom", "secretKeyRef", "name"),
                    "REDIS_URL of " + name(deployment) + " must come from a Secret (secretKeyRef)");
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void theOrchestratorHasADeploymentBehindAService(Rendering rendering) {
        List<Map<String, Object>> orchestrators = deployments(rendering).stream()
                .filter(d -> ORCHESTRATOR_NAME.equals(
                        Yamls.string(d, "spec", "template", "metadata", "labels", ORCHESTRATOR_NAME_LABEL)))
                .toList();
        assertEquals(1, orchestrators.size(), "orchestrator Deployments in " + rendering);
        Map<String, Object> orchestrator = orchestrators.getFirst();
        assertFalse(
                env(container(orchestrator), "FLEET_AGENTS").isPresent(),
                "the orchestrator must not serve agent types");
        List<Map<String, Object>> services = rendering.ofKind("Service").stream()
                .filter(service -> !Yamls.map(service, "spec", "selector").isEmpty())
                .filter(service -> labelsContain(podLabels(orchestrator), Yamls.map(service, "spec", "selector")))
                .toList();
        assertEquals(1, services.size(), "Services selecting the orchestrator's pods in " + rendering);
        assertAll(Yamls.maps(services.getFirst(), "spec", "ports").stream()
                .map(port -> () -> assertTrue(
                        declaresPort(
                                container(orchestrator),
                                Yamls.at(port, "targetPort") == null ? port.get("port") : port.get("targetPort")),
                        "Service " + name(services.getFirst()) + " targets port " + port
                                + ", which the orchestrator container does not declare")));
    }

    // ------------------------------------------------------------------ the fallback against kubectl

    @Test
    void javaFallbackSeesTheSameObjectsAsKustomizeApartFromGenerators() {
        Optional<Path> kubectl = Manifests.kubectl();
        assumeTrue(kubectl.isPresent(), "kubectl is not on PATH");
        for (String overlay : OVERLAYS) {
            Path dir = ProjectRoot.resolve(overlay);
            Set<String> rendered = identities(Manifests.withKubectl(kubectl.get(), dir));
            Set<String> fallback = identities(Manifests.withJavaFallback(dir));
            assertEquals(
                    rendered,
                    fallback,
                    "objects of " + overlay + " (ConfigMaps/Secrets excluded: generated names carry a hash)");
        }
    }

    private static Set<String> identities(Rendering rendering) {
        return rendering.objects().stream()
                .filter(o -> !Set.of("ConfigMap", "Secret").contains(Yamls.string(o, "kind")))
                .map(o -> Yamls.string(o, "kind") + "/" + name(o))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    // ------------------------------------------------------------------ assertions

    private static void assertReplicaBounds(Worker worker, Map<String, Object> scaledObject) {
        Object min = Yamls.at(scaledObject, "spec", "minReplicaCount");
        Object max = Yamls.at(scaledObject, "spec", "maxReplicaCount");
        assertTrue(max instanceof Number, "maxReplicaCount of the ScaledObject of " + worker + ": " + max);
        long minimum = min instanceof Number n ? n.longValue() : 0;
        assertTrue(
                minimum <= ((Number) max).longValue(),
                "minReplicaCount " + min + " > maxReplicaCount " + max + " for " + worker);
    }

    private static void assertRedisStreamsTriggers(
            Rendering rendering, Worker worker, List<Map<String, Object>> triggers) {
        List<Map<String, Object>> streams = triggers.stream()
                .filter(t -> REDIS_STREAM_TRIGGERS.contains(String.valueOf(t.get("type"))))
                .toList();
        assertFalse(streams.isEmpty(), "no redis-streams trigger scales " + worker);
        Set<String> partitionStreams = partitionStreams(worker);
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> assertEquals(
                streams.size(), triggers.size(), "triggers of " + worker + " that are not redis(-cluster)-streams"));
        for (Map<String, Object> trigger : streams) {
            Map<String, Object> metadata = Yamls.map(trigger, "metadata");
            checks.add(() -> assertTrue(
                    partitionStreams.contains(String.valueOf(metadata.get("stream"))),
                    "stream " + metadata.get("stream") + " of trigger " + trigger.get("name") + " of " + worker
                            + " is none of the keys the workers consume: " + partitionStreams));
            checks.add(() -> assertEquals(
                    StreamKeys.WORKERS_GROUP,
                    metadata.get("consumerGroup"),
                    "consumerGroup of trigger " + trigger.get("name") + " of " + worker));
            checks.add(() -> assertRedisAddressAvailable(rendering, worker, trigger));
            checks.add(() -> assertFalse(
                    metadata.containsKey("enableTLS"),
                    "trigger " + trigger.get("name") + " of " + worker + " sets enableTLS: TLS belongs in the"
                            + " TriggerAuthentication (KEDA 2.12+ refuses both)"));
        }
        List<Map<String, Object>> lag = streams.stream()
                .filter(t -> Yamls.at(t, "metadata", "lagCount") != null)
                .toList();
        List<Map<String, Object>> pending = streams.stream()
                .filter(t -> Yamls.at(t, "metadata", "pendingEntriesCount") != null
                        && Yamls.at(t, "metadata", "lagCount") == null)
                .toList();
        checks.add(() -> assertEquals(
                partitionStreams,
                streamsOf(lag),
                "streams of the redis-streams triggers in lagCount mode for " + worker
                        + " (one per partition and priority level)"));
        checks.add(() -> assertEquals(lag.size(), partitionStreams.size(), "lag triggers of " + worker));
        checks.add(() -> assertEquals(
                partitionStreams,
                streamsOf(pending),
                "streams of the triggers on pendingEntriesCount (without lagCount, which would override it) for "
                        + worker + " (one per partition and priority level)"));
        checks.add(() -> assertEquals(pending.size(), partitionStreams.size(), "pending triggers of " + worker));
        for (Map<String, Object> trigger : lag) {
            checks.add(() -> assertPositiveCount(worker, trigger, "lagCount"));
            checks.add(() -> assertEquals(
                    "0",
                    Yamls.string(trigger, "metadata", "activationLagCount"),
                    "activationLagCount of trigger " + trigger.get("name") + " of " + worker
                            + ": one task must wake a type scaled to zero"));
        }
        for (Map<String, Object> trigger : pending) {
            checks.add(() -> assertPositiveCount(worker, trigger, "pendingEntriesCount"));
        }
        List<Object> names = streams.stream().map(t -> t.get("name")).toList();
        checks.add(() -> assertEquals(
                names.size(), new HashSet<>(names).size(), "trigger names of " + worker + " are not unique: " + names));
        assertAll(checks);
    }

    private static Map<String, Object> scaledObjectOf(Rendering rendering, Worker worker) {
        List<Map<String, Object>> scaledObjects = rendering.ofKind("ScaledObject").stream()
                .filter(so -> worker.name().equals(Yamls.string(so, "spec", "scaleTargetRef", "name")))
                .toList();
        assertEquals(1, scaledObjects.size(), "ScaledObjects targeting " + worker);
        return scaledObjects.getFirst();
    }

    private static Set<String> streamsOf(List<Map<String, Object>> triggers) {
        return triggers.stream()
                .map(t -> Yamls.string(t, "metadata", "stream"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The task streams (every priority level's) of every partition the worker's Deployment is configured to serve. */
    static Set<String> partitionStreams(Worker worker) {
        int partitions = partitions(worker);
        Set<String> streams = new TreeSet<>();
        for (int p = 0; p < partitions; p++) {
            for (Priority level : Priority.values()) {
                streams.add(StreamKeys.DEFAULT.tasks(worker.type(), p, level));
            }
        }
        return streams;
    }

    /** {@code FLEET_AGENTS_<TYPE>_PARTITIONS} of the worker container, 1 when unset (CONTRACT.md). */
    static int partitions(Worker worker) {
        return env(worker.container(), partitionsVariable(worker.type()))
                .map(Integer::parseInt)
                .orElse(1);
    }

    static String partitionsVariable(String agentType) {
        return "FLEET_AGENTS_" + agentType.toUpperCase(Locale.ROOT).replace('-', '_') + "_PARTITIONS";
    }

    private static void assertPositiveCount(Worker worker, Map<String, Object> trigger, String field) {
        String value = Yamls.string(trigger, "metadata", field);
        assertTrue(
                value != null && value.matches("[1-9][0-9]*"),
                field + " of " + worker + " must be a positive integer, but was " + value);
    }

    /** KEDA reads {@code addressFromEnv} from the scaled container's environment. */
    private static void assertRedisAddressAvailable(Rendering rendering, Worker worker, Map<String, Object> trigger) {
        String variable = "redis-cluster-streams".equals(trigger.get("type"))
                ? Yamls.string(trigger, "metadata", "addressesFromEnv")
                : Yamls.string(trigger, "metadata", "addressFromEnv");
        if (variable == null) {
            assertTrue(
                    Yamls.string(trigger, "metadata", "address") != null
                            || Yamls.string(trigger, "metadata", "addresses") != null
                            || Yamls.string(trigger, "metadata", "host") != null
                            || Yamls.string(trigger, "metadata", "hosts") != null,
                    "trigger " + trigger.get("name") + " of " + worker + " names no Redis address");
            return;
        }
        boolean direct = envEntry(worker.container(), variable).isPresent();
        boolean fromConfigMap = Yamls.maps(worker.container(), "envFrom").stream()
                .map(source -> Yamls.string(source, "configMapRef", "name"))
                .filter(Objects::nonNull)
                .flatMap(configMap -> rendering.ofKind("ConfigMap").stream().filter(cm -> configMap.equals(name(cm))))
                .anyMatch(cm -> Yamls.map(cm, "data").containsKey(variable));
        assertTrue(
                direct || fromConfigMap,
                "trigger " + trigger.get("name") + " of " + worker + " reads the Redis address from " + variable
                        + ", which the container's environment does not define");
    }

    private static void assertHttpProbe(
            Map<String, Object> deployment, Map<String, Object> container, String probe, String path) {
        assertEquals(path, Yamls.string(container, probe, "httpGet", "path"), probe + " path of " + name(deployment));
        Object port = Yamls.at(container, probe, "httpGet", "port");
        assertTrue(
                declaresPort(container, port),
                probe + " of " + name(deployment) + " uses port " + port + ", which the container does not declare");
    }

    // ------------------------------------------------------------------ reading the objects

    /** A worker Deployment: one labelled with its agent type. */
    record Worker(String type, Map<String, Object> deployment, Map<String, Object> container) {
        String name() {
            return KustomizeOverlaysTest.name(deployment);
        }

        @Override
        public String toString() {
            return "worker Deployment " + name() + " (agent type " + type + ")";
        }
    }

    static List<Worker> workers(Rendering rendering) {
        return rendering.ofKind("Deployment").stream()
                .filter(d -> Yamls.string(d, "metadata", "labels", AGENT_TYPE_LABEL) != null)
                .map(d -> new Worker(Yamls.string(d, "metadata", "labels", AGENT_TYPE_LABEL), d, workerContainer(d)))
                .toList();
    }

    /** AgentFleet's own Deployments: the workers and the orchestrator (not a dev overlay's Redis). */
    static List<Map<String, Object>> deployments(Rendering rendering) {
        List<Map<String, Object>> deployments = rendering.ofKind("Deployment").stream()
                .filter(d -> Yamls.string(d, "metadata", "labels", AGENT_TYPE_LABEL) != null
                        || ORCHESTRATOR_NAME.equals(
                                Yamls.string(d, "spec", "template", "metadata", "labels", ORCHESTRATOR_NAME_LABEL)))
                .toList();
        assertFalse(deployments.isEmpty(), "no AgentFleet Deployment in " + rendering);
        return deployments;
    }

    private static Set<String> labelledAgentTypes(Rendering rendering, String kind) {
        return rendering.ofKind(kind).stream()
                .map(o -> Yamls.string(o, "metadata", "labels", AGENT_TYPE_LABEL))
                .filter(Objects::nonNull)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, Object> workerContainer(Map<String, Object> deployment) {
        List<Map<String, Object>> serving = Yamls.maps(podSpec(deployment), "containers").stream()
                .filter(c -> envEntry(c, "FLEET_AGENTS").isPresent())
                .toList();
        if (serving.size() != 1) {
            fail(name(deployment) + " should have exactly one container with FLEET_AGENTS, but has " + serving.size());
        }
        return serving.getFirst();
    }

    /** The Deployment's main container: the worker container, or the only/first one. */
    static Map<String, Object> container(Map<String, Object> deployment) {
        if (Yamls.string(deployment, "metadata", "labels", AGENT_TYPE_LABEL) != null) {
            return workerContainer(deployment);
        }
        List<Map<String, Object>> containers = Yamls.maps(podSpec(deployment), "containers");
        assertFalse(containers.isEmpty(), name(deployment) + " has no container");
        return containers.getFirst();
    }

    static Map<String, Object> podSpec(Map<String, Object> deployment) {
        return Yamls.map(deployment, "spec", "template", "spec");
    }

    private static Map<String, Object> podLabels(Map<String, Object> deployment) {
        return Yamls.map(deployment, "spec", "template", "metadata", "labels");
    }

    static Optional<Map<String, Object>> envEntry(Map<String, Object> container, String variable) {
        return Yamls.maps(container, "env").stream()
                .filter(e -> variable.equals(e.get("name")))
                .findFirst();
    }

    static Optional<String> env(Map<String, Object> container, String variable) {
        return envEntry(container, variable).map(e -> Yamls.string(e, "value"));
    }

    static String name(Map<String, Object> object) {
        return Yamls.string(object, "metadata", "name");
    }

    private static boolean selects(Map<String, Object> budget, Map<String, Object> deployment) {
        assertTrue(
                Yamls.list(budget, "spec", "selector", "matchExpressions").isEmpty(),
                "PodDisruptionBudget " + name(budget) + ": matchExpressions are not checked here; use matchLabels");
        Map<String, Object> matchLabels = Yamls.map(budget, "spec", "selector", "matchLabels");
        return !matchLabels.isEmpty() && labelsContain(podLabels(deployment), matchLabels);
    }

    private static boolean labelsContain(Map<String, Object> labels, Map<String, Object> required) {
        return required.entrySet().stream()
                .allMatch(e -> Objects.equals(String.valueOf(e.getValue()), Yamls.string(labels, e.getKey())));
    }

    private static boolean declaresPort(Map<String, Object> container, Object port) {
        if (port == null) {
            return false;
        }
        return Yamls.maps(container, "ports").stream()
                .anyMatch(p -> port instanceof Number
                        ? Objects.equals(String.valueOf(port), Yamls.string(p, "containerPort"))
                        : Objects.equals(port, p.get("name"))
                                || Objects.equals(port, Yamls.string(p, "containerPort")));
    }

    /** The time a {@code preStop: exec: sleep N} hook spends inside the termination grace period. */
    private static Duration preStopSleep(Map<String, Object> container) {
        List<Object> command = Yamls.list(container, "lifecycle", "preStop", "exec", "command");
        if (command.size() == 2 && "sleep".equals(String.valueOf(command.get(0)))) {
            return Duration.ofMillis(Math.round(Double.parseDouble(String.valueOf(command.get(1))) * 1000));
        }
        Object sleep = Yamls.at(container, "lifecycle", "preStop", "sleep", "seconds");
        return sleep instanceof Number n ? Duration.ofSeconds(n.longValue()) : Duration.ZERO;
    }
}
