package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.OpenApiContract;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.orchestrator.support.RawHttp;
import io.agentfleet.orchestrator.workflow.store.OrchestratorKeys;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * Replays the hostile-request corpus in {@code src/test/resources/fuzz} (bodies, request targets, headers and
 * encodings) and cases generated here (duration and instant overflows, huge strings, oversize bodies) against a real
 * orchestrator process: no answer is a 5xx, every 4xx carries the API's error body with a bounded echo, and afterwards
 * the server is healthy and a workflow run by a real worker completes.
 */
class FuzzCorpusTest {
    static final String FUZZ_AGENT = "t-fuzz";
    static final String[] BODY_ENDPOINTS = {
        "/v1/tasks", "/v1/workflows", "/v1/runs/{run}/resume", "/v1/agents/t-fuzz/dead-letters/redrive"
    };
    /** Largest error body a 4xx may have: the reason and field are bounded, whatever the request echoed. */
    static final int MAX_ERROR_BODY_BYTES = 4096;

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static JavaProcess worker;
    static Orchestrators.Orchestrator server;
    static Api api;
    static String runId;

    /** One hostile request; {@code field}, when set, is what its 4xx must name. */
    record Case(String name, String method, String target, Map<String, String> headers, byte[] body, String field) {}

    @BeforeAll
    static void start() {
        worker = Orchestrators.worker(redis.uri(), "t-researcher,t-coder", Map.of());
        Map<String, String> props = Orchestrators.fastRecovery();
        // The corpus sends wrong keys on purpose; FailedAuthLimitTest covers the limit.
        props.put("fleet.orchestrator.auth-failure-limit", "1000000");
        // t-fuzz has no worker: accepted corpus requests wait on its stream instead of running hostile inputs.
        // It is both configured and registered, so it stays a known agent type however known types are decided.
        props.put("fleet.orchestrator.allowed-agents", FUZZ_AGENT + ",t-researcher,t-coder");
        try (UnifiedJedis client = redis.client()) {
            client.sadd(StreamKeys.DEFAULT.agents(), FUZZ_AGENT);
        }
        server = Orchestrators.orchestrator(redis.uri(), props);
        api = server.api();
        Api.Response r = api.post("/v1/tasks", "{\"agent\":\"" + FUZZ_AGENT + "\",\"input\":{\"target\":true}}");
        assertEquals(202, r.status(), r.toString());
        runId = r.json().get("runId").asText();
    }

    @AfterAll
    static void stop() {
        // The corpus's wrong keys must not block 127.0.0.1 for a class that shares this Redis (REDIS_URL).
        try (UnifiedJedis client = redis.client()) {
            client.del(new OrchestratorKeys(StreamKeys.DEFAULT).authFailures("127.0.0.1"));
        }
        Orchestrators.closeAll(server, worker);
    }

    @Test
    void corpusGetsNoServerErrorEvery4xxHasTheApiErrorBodyAndTheServerStillRunsWorkflows() {
        List<Case> cases = new ArrayList<>();
        cases.addAll(bodyCases());
        cases.addAll(targetCases());
        cases.addAll(requestCases());
        cases.addAll(generatedDurations());
        cases.addAll(generatedHugeValues());
        cases.addAll(generatedOversizeBodies());
        assertTrue(cases.size() >= 1000, "the corpus has " + cases.size() + " cases");

        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            check(c, RawHttp.send(server.port(), c.method(), c.target(), c.headers(), c.body()), failures);
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + cases.size() + " cases failed:\n"
                        + String.join("\n", failures.subList(0, Math.min(40, failures.size()))));

        assertEquals(200, api.withKey(null).get("/health").status(), "healthy after the corpus");
        String workflow = api.submit(Api.parse("""
                {"tasks":[{"id":"find","agent":"t-researcher","input":{"topic":"fuzzing"}},
                          {"id":"build","agent":"t-coder","input":{"goal":"a parser"},"dependsOn":["find"]}]}"""));
        api.awaitStatus(workflow, "COMPLETED", Duration.ofSeconds(60));
    }

    /**
     * The inputs the issue reported as 500s: overflowing or out-of-range deadlines and timeouts, a charset the JDK
     * does not know, a corrupt gzip header; each now gets a 4xx naming the field.
     */
    @Test
    void everyInputThatOnceGotA500GetsA4xxNamingTheField() {
        List<Case> cases = new ArrayList<>();
        for (String deadline : List.of(
                "+300000000-01-01T00:00:00Z",
                "1000000000000d",
                "+1000000000-12-31T23:59:59.999999999Z",
                "106751991167300d",
                "9223372036854775807ms")) {
            cases.add(json("/v1/tasks", "{\"agent\":\"t-fuzz\",\"deadline\":\"" + deadline + "\"}", "deadline"));
        }
        for (String deadline : List.of("+300000000-01-01T00:00:00Z", "1000000000000d")) {
            cases.add(json(
                    "/v1/workflows",
                    "{\"tasks\":[{\"id\":\"a\",\"agent\":\"t-fuzz\"}],\"deadline\":\"" + deadline + "\"}",
                    "deadline"));
        }
        for (String timeout :
                List.of("106751991167300d", "9223372036854775807ms", "9223372036000000000ms", "PT2562047788015215H")) {
            cases.add(json("/v1/tasks", "{\"agent\":\"t-fuzz\",\"timeout\":\"" + timeout + "\"}", "timeout"));
        }
        for (String timeout : List.of("106751991167300d", "9223372036854775807ms")) {
            cases.add(json(
                    "/v1/workflows",
                    "{\"tasks\":[{\"id\":\"a\",\"agent\":\"t-fuzz\"},{\"id\":\"b\",\"agent\":\"t-fuzz\","
                            + "\"dependsOn\":[\"a\"],\"timeout\":\"" + timeout + "\"}]}",
                    "tasks[1].timeout"));
        }
        for (String charset : List.of("bogus", "b@d!")) {
            Map<String, String> headers = authorized();
            headers.put("Content-Type", "application/json; charset=" + charset);
            cases.add(new Case(
                    "charset " + charset,
                    "POST",
                    "/v1/tasks",
                    headers,
                    "{\"agent\":\"t-fuzz\"}".getBytes(StandardCharsets.UTF_8),
                    "Content-Type"));
        }
        for (String gzip : List.of("H4v/AAAAAAAAA2dhcmJhZ2VnYXJiYWdl", "H4sJAAAAAAAAA2dhcmJhZ2U=")) {
            Map<String, String> headers = authorized();
            headers.put("Content-Type", "application/json");
            headers.put("Content-Encoding", "gzip");
            cases.add(new Case(
                    "corrupt gzip header",
                    "POST",
                    "/v1/tasks",
                    headers,
                    Base64.getDecoder().decode(gzip),
                    "Content-Encoding"));
        }
        assertTrue(cases.size() >= 17, "the issue's 17 inputs and their kind");
        for (Case c : cases) {
            RawHttp.Reply reply = RawHttp.send(server.port(), c.method(), c.target(), c.headers(), c.body());
            assertTrue(
                    reply.status() >= 400 && reply.status() < 500,
                    c.name() + ": " + reply.status() + " " + reply.text());
            JsonNode body = parse(reply.text());
            assertEquals(c.field(), body.path("field").asText(), c.name() + ": " + reply.text());
            assertTrue(body.path("reason").isTextual() && body.path("error").isTextual(), reply.text());
        }
    }

    private static void check(Case c, RawHttp.Reply reply, List<String> failures) {
        String what = c.name() + " -> " + reply.status() + " " + abbreviate(reply.text());
        if (reply.status() < 0 || reply.status() >= 500) {
            failures.add("server error or no answer: " + what);
            return;
        }
        checkDocumented(c, reply, failures);
        if (reply.status() < 400 || c.method().equals("HEAD")) {
            return;
        }
        if (reply.body().length > MAX_ERROR_BODY_BYTES) {
            failures.add("error body of " + reply.body().length + " bytes: " + what);
        }
        JsonNode body;
        try {
            body = Api.JSON.readTree(reply.body());
        } catch (IOException e) {
            failures.add("error body is not JSON: " + what);
            return;
        }
        if (!body.path("error").isTextual() || !body.path("reason").isTextual()) {
            failures.add("error body without error and reason: " + what);
        } else if (body.has("field") && !body.get("field").isTextual()) {
            failures.add("field is not a string: " + what);
        } else if (c.field() != null && !c.field().equals(body.path("field").asText())) {
            failures.add("expected field " + c.field() + ": " + what);
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("error") && !name.equals("field") && !name.equals("reason")) {
                failures.add("unexpected member " + name + ": " + what);
            }
        }
    }

    /** The OpenAPI document's verdict on the reply, when the target parses as a URI (raw bytes do not). */
    private static void checkDocumented(Case c, RawHttp.Reply reply, List<String> failures) {
        URI uri;
        try {
            uri = URI.create("http://127.0.0.1" + c.target());
        } catch (IllegalArgumentException notAUri) {
            return;
        }
        try {
            OpenApiContract.requireDocumented(
                    c.method(), uri, reply.status(), reply.header("Content-Type"), reply.text());
        } catch (AssertionError e) {
            failures.add(c.name() + ": " + e.getMessage());
        }
    }

    /** Every line of every file in fuzz/bodies, POSTed to every endpoint that takes a body. */
    private static List<Case> bodyCases() {
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(resource("fuzz/bodies"))) {
            for (Path file : files.sorted().toList()) {
                List<String> lines = lines(file);
                for (int i = 0; i < lines.size(); i++) {
                    for (String endpoint : BODY_ENDPOINTS) {
                        cases.add(json(
                                endpoint.replace("{run}", runId),
                                lines.get(i),
                                null,
                                file.getFileName() + ":" + (i + 1) + " " + endpoint));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    /** fuzz/paths.txt: METHOD TARGET, sent raw with a valid key. */
    private static List<Case> targetCases() {
        List<Case> cases = new ArrayList<>();
        for (String line : lines(resource("fuzz/paths.txt"))) {
            int space = line.indexOf(' ');
            String target = line.substring(space + 1).replace("{run}", runId);
            cases.add(new Case(
                    "paths.txt: " + abbreviate(line), line.substring(0, space), target, authorized(), null, null));
        }
        return cases;
    }

    /** fuzz/requests.jsonl: hostile headers and encodings. */
    private static List<Case> requestCases() {
        List<Case> cases = new ArrayList<>();
        for (String line : lines(resource("fuzz/requests.jsonl"))) {
            JsonNode spec = parse(line);
            Map<String, String> headers = spec.path("auth").asBoolean(true) ? authorized() : new LinkedHashMap<>();
            spec.path("headers")
                    .fields()
                    .forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
            byte[] body = spec.has("body")
                    ? spec.get("body").asText().getBytes(StandardCharsets.UTF_8)
                    : spec.has("bodyBase64")
                            ? Base64.getDecoder().decode(spec.get("bodyBase64").asText())
                            : null;
            cases.add(new Case(
                    "requests.jsonl: " + spec.get("name").asText(),
                    spec.get("method").asText(),
                    spec.get("path").asText().replace("{run}", runId),
                    headers,
                    body,
                    spec.hasNonNull("field") ? spec.get("field").asText() : null));
        }
        return cases;
    }

    /** Every amount (from 0 past the long range) with every unit, as a timeout and as a deadline. */
    private static List<Case> generatedDurations() {
        List<Case> cases = new ArrayList<>();
        List<String> amounts = List.of(
                "0",
                "1",
                "604800",
                "604801",
                "2147483648",
                "9223372036854775",
                "106751991167300",
                "9223372036854775807",
                "9223372036854775808",
                "99999999999999999999");
        for (String field : List.of("timeout", "deadline")) {
            for (String amount : amounts) {
                for (String unit : List.of("ms", "s", "m", "h", "d", "MS", " d", "w", "")) {
                    cases.add(json(
                            "/v1/tasks",
                            "{\"agent\":\"t-fuzz\",\"" + field + "\":\"" + amount + unit + "\"}",
                            field,
                            field + " " + amount + unit));
                }
                cases.add(json(
                        "/v1/tasks",
                        "{\"agent\":\"t-fuzz\",\"" + field + "\":\"PT" + amount + "S\"}",
                        field,
                        field + " PT" + amount + "S"));
            }
        }
        return cases;
    }

    /** Values of 900 KB (under the 1 MiB body limit) in every string field: the refusal echoes a bounded part. */
    private static List<Case> generatedHugeValues() {
        String huge = "a".repeat(900_000);
        List<Case> cases = new ArrayList<>();
        cases.add(json("/v1/tasks", "{\"agent\":\"" + huge + "\"}", "agent"));
        cases.add(json("/v1/tasks", "{\"agent\":\"t-fuzz\",\"id\":\"" + huge + "\"}", "id"));
        cases.add(json("/v1/tasks", "{\"agent\":\"t-fuzz\",\"timeout\":\"" + huge + "\"}", "timeout"));
        cases.add(json("/v1/tasks", "{\"agent\":\"t-fuzz\",\"deadline\":\"" + huge + "\"}", "deadline"));
        cases.add(json("/v1/tasks", "{\"agent\":\"t-fuzz\",\"input\":{\"text\":\"" + huge + "\"}}", "input"));
        cases.add(json("/v1/tasks", "{\"agent\":\"t-fuzz\",\"optional\":\"" + huge + "\"}", "optional"));
        cases.add(json("/v1/tasks", "{\"" + "k".repeat(40_000) + "\":1}", null));
        cases.add(json("/v1/runs/" + runId + "/resume", "{\"answer\":1,\"action\":\"" + huge + "\"}", "action"));
        cases.add(json("/v1/agents/t-fuzz/dead-letters/redrive", "{\"ids\":[\"" + huge + "\"]}", "ids[0]"));
        cases.add(json(
                "/v1/workflows",
                "{\"tasks\":[{\"id\":\"a\",\"agent\":\"t-fuzz\",\"dependsOn\":[\"" + huge + "\"]}]}",
                null));
        return cases;
    }

    /** Bodies over the API's 1 MiB limit, with a length and chunked (no length), past Micronaut's 10 MiB buffer. */
    private static List<Case> generatedOversizeBodies() {
        List<Case> cases = new ArrayList<>();
        for (int size : List.of(1024 * 1024 + 1, 2 * 1024 * 1024, 11 * 1024 * 1024)) {
            byte[] body = ("{\"agent\":\"t-fuzz\",\"input\":{\"text\":\"" + "x".repeat(size) + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            for (boolean chunked : List.of(false, true)) {
                Map<String, String> headers = authorized();
                headers.put("Content-Type", "application/json");
                if (chunked) {
                    headers.put("Transfer-Encoding", "chunked");
                }
                cases.add(new Case(
                        "oversize " + size + (chunked ? " chunked" : ""), "POST", "/v1/tasks", headers, body, "body"));
            }
        }
        return cases;
    }

    private static Case json(String target, String body, String field) {
        return json(target, body, field, abbreviate(body) + " " + target);
    }

    private static Case json(String target, String body, String field, String name) {
        Map<String, String> headers = authorized();
        headers.put("Content-Type", "application/json");
        return new Case(name, "POST", target, headers, body.getBytes(StandardCharsets.UTF_8), field);
    }

    private static Map<String, String> authorized() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + Orchestrators.KEY);
        return headers;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(
                    FuzzCorpusTest.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return Api.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(json, e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 160 ? text : text.substring(0, 160) + "…(" + text.length() + " chars)";
    }
}
