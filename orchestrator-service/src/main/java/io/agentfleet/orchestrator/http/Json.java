package io.agentfleet.orchestrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;

/** JSON responses written with Jackson trees (the API's shapes are documented in docs/api.md and openapi.yml). */
public final class Json {
    private Json() {}

    public static MutableHttpResponse<String> ok(JsonNode body) {
        return status(HttpStatus.OK, body);
    }

    public static MutableHttpResponse<String> status(HttpStatus status, JsonNode body) {
        return HttpResponse.<String>status(status)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(body.toString());
    }

    public static MutableHttpResponse<String> error(ApiException e) {
        MutableHttpResponse<String> response = HttpResponse.<String>status(e.status)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(errorBody(e));
        if (e.retryAfterSeconds != null) {
            response.header("Retry-After", Long.toString(e.retryAfterSeconds));
        }
        return response;
    }

    /** {@code {"error","field","reason"}}, {@code field} left out when the error concerns no one field. */
    static String errorBody(ApiException e) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error", e.error);
        if (e.field != null) {
            body.put("field", e.field);
        }
        body.put("reason", e.reason);
        return body.toString();
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
