package io.agentfleet.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.FleetException;
import io.agentfleet.messages.InvalidMessageException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/** The orchestrator's HTTP API over the JDK client, and the translation of its refusals into the exception tree. */
final class OrchestratorApi {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_REASON_CHARS = 500;
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    private final HttpClient http;
    private final URI base;
    private final String authorization;
    private final Duration timeout;

    /** The orchestrator API the options name; null when they name none. */
    static OrchestratorApi of(FleetClientOptions options) {
        return options.orchestratorUri() == null
                ? null
                : new OrchestratorApi(options.orchestratorUri(), options.apiKey(), options.httpTimeout());
    }

    OrchestratorApi(URI base, String apiKey, Duration timeout) {
        this.base = base;
        this.authorization = apiKey == null ? null : "Bearer " + apiKey;
        this.timeout = timeout;
        // HTTP/1.1: the JDK's default HTTP/2 would try an h2c upgrade on every plain-http connection.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    /** Starts an orderly shutdown of the HTTP client: requests under way finish, new ones are refused. */
    void shutdown() {
        http.shutdown();
    }

    URI base() {
        return base;
    }

    ObjectNode post(String path, JsonNode body, String what) {
        return send(
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                what);
    }

    ObjectNode get(String path, String what) {
        return send(request(path).GET().build(), what);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).header("Accept", "application/json");
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    private ObjectNode send(HttpRequest request, String what) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new OrchestratorException(base, what, 0, "unreachable", null, "no answer within " + timeout, e);
        } catch (IOException e) {
            throw new OrchestratorException(
                    base, what, 0, "unreachable", null, String.valueOf(e.getMessage() == null ? e : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetException("interrupted while " + what, e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            try {
                JsonNode body = MAPPER.readTree(response.body());
                if (body instanceof ObjectNode object) {
                    return object;
                }
            } catch (JsonProcessingException e) {
                // Reported below.
            }
            throw new OrchestratorException(
                    base,
                    what,
                    status,
                    "bad_response",
                    null,
                    "the body is not a JSON object: " + abbreviate(response.body()),
                    null);
        }
        throw failure(base, what, status, response.body(), response.headers().firstValue("Retry-After"));
    }

    /** The exception for a refusal: 400/413 invalid, 401/403 auth, 429 rate limited, anything else generic. */
    static FleetException failure(URI base, String what, int status, String body, Optional<String> retryAfter) {
        String error = null;
        String field = null;
        String reason = null;
        try {
            JsonNode node = MAPPER.readTree(body == null ? "" : body);
            if (node != null && node.isObject()) {
                error = text(node, "error");
                field = text(node, "field");
                reason = text(node, "reason");
            }
        } catch (JsonProcessingException e) {
            // Not the API's error shape (a proxy's page, say): keep the text as the reason.
        }
        if (error == null && reason == null) {
            reason = body == null || body.isBlank() ? "(no body)" : abbreviate(body);
        }
        error = error == null ? "http_" + status : error;
        return switch (status) {
            case 400, 413 ->
                new InvalidMessageException(
                        field == null ? (status == 413 ? "body" : "$") : field, reason == null ? error : reason);
            case 401, 403 -> new FleetAuthException(base, what, status, error, field, reason);
            case 429 -> new RateLimitedException(base, what, error, field, reason, retryAfterOf(retryAfter));
            default -> new OrchestratorException(base, what, status, error, field, reason, null);
        };
    }

    private static Duration retryAfterOf(Optional<String> header) {
        try {
            return header.map(String::trim)
                    .map(Long::parseLong)
                    .filter(s -> s >= 0)
                    .map(Duration::ofSeconds)
                    .orElse(DEFAULT_RETRY_AFTER);
        } catch (NumberFormatException e) {
            return DEFAULT_RETRY_AFTER;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String abbreviate(String text) {
        return text.length() > MAX_REASON_CHARS ? text.substring(0, MAX_REASON_CHARS) + "..." : text;
    }
}
