package io.agentfleet.orchestrator.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.testsupport.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/**
 * A tiny HTTP client for the orchestrator API, as a producer would use it (bearer key, JSON). Every response it
 * receives must match the served OpenAPI document ({@link OpenApiContract}), or the call fails.
 */
public final class Api {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ENDED = Set.of(
            "COMPLETED",
            "FAILED",
            "CANCELLED",
            "BUDGET_EXCEEDED",
            "MAX_STEPS_EXCEEDED",
            "LOOP_DETECTED",
            "DEADLINE_EXCEEDED");

    private final String base;
    private final String key;
    private final InetAddress localAddress;
    private final HttpClient http;

    public Api(String base, String key) {
        this(base, key, null);
    }

    private Api(String base, String key, InetAddress localAddress) {
        this.base = base;
        this.key = key;
        this.localAddress = localAddress;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        this.http = (localAddress == null ? builder : builder.localAddress(localAddress)).build();
    }

    public Api withKey(String other) {
        return new Api(base, other, localAddress);
    }

    /** This client connecting from {@code local} (any 127.x.y.z works on Linux: all of 127/8 is loopback). */
    public Api from(InetAddress local) {
        return new Api(base, key, local);
    }

    public String base() {
        return base;
    }

    /** A response: status, headers and the body parsed as JSON (or null). */
    public record Response(int status, HttpResponse<String> raw, JsonNode json) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + raw.body();
        }
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response post(String path, String body) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response post(String path, JsonNode body) {
        return post(path, body.toString());
    }

    public Response send(HttpRequest.Builder builder) {
        try {
            HttpRequest request = builder.build();
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            OpenApiContract.requireDocumented(
                    request.method(),
                    request.uri(),
                    r.statusCode(),
                    r.headers().firstValue("Content-Type").orElse(null),
                    r.body());
            JsonNode json = null;
            try {
                json = r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body());
            } catch (IOException notJson) {
                // Not every response is JSON (openapi.yml, SSE).
            }
            return new Response(r.statusCode(), r, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    /** Submits a workflow and returns its run id, failing on anything but 202. */
    public String submit(JsonNode workflow) {
        Response r = post("/v1/workflows", workflow);
        if (r.status() != 202) {
            throw new AssertionError("submit failed: " + r);
        }
        return r.json().get("runId").asText();
    }

    public JsonNode run(String runId) {
        Response r = get("/v1/runs/" + runId);
        if (r.status() != 200) {
            throw new AssertionError("GET run failed: " + r);
        }
        return r.json();
    }

    /** Waits until the run has ended (or reached {@code status}), then returns it. */
    public JsonNode awaitStatus(String runId, String status, Duration timeout) {
        JsonNode[] last = new JsonNode[1];
        try {
            Await.until(
                    timeout,
                    () -> {
                        last[0] = run(runId);
                        return last[0].get("status").asText().equals(status);
                    },
                    "run " + runId + " to reach " + status);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last state: " + last[0], e);
        }
        return last[0];
    }

    public JsonNode awaitEnd(String runId, Duration timeout) {
        JsonNode[] last = new JsonNode[1];
        Await.until(
                timeout,
                () -> {
                    last[0] = run(runId);
                    return ENDED.contains(last[0].get("status").asText());
                },
                "run " + runId + " to end");
        return last[0];
    }

    public static JsonNode task(JsonNode run, String id) {
        for (JsonNode t : run.get("tasks")) {
            if (t.get("id").asText().equals(id)) {
                return t;
            }
        }
        throw new AssertionError("no task " + id + " in " + run);
    }

    public static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
