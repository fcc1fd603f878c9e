package io.agentfleet.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.messages.FleetException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The orchestrator's HTTP API, for what only the orchestrator can do (schedules are validated and owned there): a
 * bearer key, JSON in and out; a 4xx or 5xx becomes an {@link ApiRefused} with the API's error body.
 */
final class OrchestratorApi {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final String key;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    OrchestratorApi(String base, String key) {
        this.base = URI.create(base.endsWith("/") ? base : base + "/");
        this.key = key;
    }

    /** The API refused the request: its status and {@code {"error","field","reason"}} body. */
    static final class ApiRefused extends FleetException {
        final int status;

        ApiRefused(int status, String body) {
            super("the orchestrator answered " + status + ": " + body);
            this.status = status;
        }
    }

    /** The API could not be reached. */
    static final class ApiUnreachable extends FleetException {
        ApiUnreachable(URI uri, IOException cause) {
            super("cannot reach the orchestrator API at " + uri + " (--api, FLEET_API_URL): " + cause, cause);
        }
    }

    JsonNode get(String path) {
        return send(request(path).GET());
    }

    JsonNode post(String path, String json) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
        if (key != null && !key.isBlank()) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        HttpResponse<String> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ApiUnreachable(built.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (response.statusCode() >= 400) {
            throw new ApiRefused(response.statusCode(), response.body());
        }
        try {
            return FleetCtl.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ApiRefused(response.statusCode(), "not JSON: " + response.body());
        }
    }
}
