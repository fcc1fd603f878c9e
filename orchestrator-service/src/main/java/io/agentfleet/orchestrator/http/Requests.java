package io.agentfleet.orchestrator.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.TraceContext;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading request bodies as untrusted JSON, with the size limit applied also to bodies sent without a length. */
public final class Requests {
    private static final Pattern STREAM_ID = Pattern.compile("(\\d{1,20})-(\\d{1,20})");
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    private Requests() {}

    public static ObjectNode body(String body, OrchestratorConfig config, MessageCodec codec) {
        if (body == null || body.isBlank()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "body", "is required (a JSON object)");
        }
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > config.http().maxRequestBytes()) {
            throw new ApiException(
                    HttpStatus.REQUEST_ENTITY_TOO_LARGE,
                    "payload_too_large",
                    "body",
                    "request body is " + bytes + " bytes, more than the limit of "
                            + config.http().maxRequestBytes());
        }
        try {
            return codec.parseObject(body);
        } catch (InvalidMessageException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "body", e.reason());
        }
    }

    /** The caller's W3C trace context, when it sent a well-formed {@code traceparent}. */
    static TraceContext trace(HttpRequest<?> request) {
        String parent = request.getHeaders().get("traceparent");
        if (parent == null || !TRACEPARENT.matcher(parent).matches()) {
            return null;
        }
        String state = request.getHeaders().get("tracestate");
        return new TraceContext(parent, state == null || state.length() > 512 ? null : state);
    }

    /**
     * Whether {@code id} is a Redis stream entry id ({@code ms-seq}, each part an unsigned 64-bit integer): Redis
     * refuses larger parts with an error that must not become a 5xx.
     */
    static boolean isStreamId(String id) {
        Matcher m = STREAM_ID.matcher(id);
        return m.matches() && isUnsignedLong(m.group(1)) && isUnsignedLong(m.group(2));
    }

    private static boolean isUnsignedLong(String digits) {
        try {
            Long.parseUnsignedLong(digits);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
