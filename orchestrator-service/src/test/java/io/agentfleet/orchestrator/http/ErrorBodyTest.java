package io.agentfleet.orchestrator.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.orchestrator.config.ConfigFactory;
import io.agentfleet.orchestrator.support.Api;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The error body's bounds and the HTTP layer's 5xx body, without a server. */
class ErrorBodyTest {
    @Test
    void aLongReasonKeepsItsHeadAndTailAroundTheByteCount() {
        String value = "v".repeat(900_000);
        ApiException e = new ApiException(
                HttpStatus.BAD_REQUEST, "invalid_request", "f", "'" + value + "' is not a valid agent type");
        String reason = body(e).get("reason").asText();
        assertTrue(reason.length() < ApiException.MAX_REASON_CHARS, reason);
        assertTrue(reason.startsWith("'vvvv"), reason);
        assertTrue(reason.contains("…(900028 bytes)…"), reason);
        assertTrue(reason.endsWith("vvv' is not a valid agent type"), reason);
    }

    @Test
    void aLongFieldKeepsItsHeadAndTheByteCount() {
        String field = "k".repeat(5000);
        ApiException e = new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", field, "unknown field");
        assertEquals("k".repeat(200) + "…(5000 bytes)", body(e).get("field").asText());
    }

    @Test
    void shortValuesAndSurrogatePairsAtTheCutAreKeptWhole() {
        assertEquals("short", ApiException.bounded("short"));
        String emoji = "a".repeat(199) + "😀".repeat(300);
        String cut = ApiException.bounded(emoji);
        assertFalse(Character.isHighSurrogate(cut.charAt(cut.indexOf('…') - 1)), "no half of a surrogate pair");
    }

    @Test
    void anUnhandledExceptionBecomesA500WithAnErrorIdAndNotItsText() {
        HttpLayerErrors errors = new HttpLayerErrors(ConfigFactory.read(
                new PropertySourcePropertyResolver(PropertySource.of(Map.of("fleet.auth.enabled", "false")))));
        RuntimeException secret = new IllegalStateException("password=hunter2 at /etc/secret");
        MutableHttpResponse<String> response = errors.processResponse(
                ErrorContext.builder(HttpRequest.GET("/v1/tasks"))
                        .cause(secret)
                        .errorMessage("Internal Server Error: " + secret.getMessage())
                        .build(),
                HttpResponse.serverError());
        String text = response.body();
        JsonNode body = Api.parse(text);
        assertEquals("internal_error", body.get("error").asText());
        assertTrue(
                body.get("reason").asText().matches("the server failed to answer this request; error id [0-9a-f-]{36}"),
                text);
        assertFalse(text.contains("hunter2") || text.contains("IllegalStateException"), text);
    }

    private static JsonNode body(ApiException e) {
        return Api.parse(Json.errorBody(e));
    }
}
