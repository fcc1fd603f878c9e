package io.agentfleet.orchestrator.http;

import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.exceptions.BufferLengthExceededException;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of every error the HTTP layer answers by itself (unknown route, wrong method, a query parameter that does
 * not convert, Accept or Content-Type it cannot serve, a body over the buffer limit, an exception nothing else
 * handled): the API's {@code {"error","field","reason"}} instead of Micronaut's default. It replaces Micronaut's
 * default processor, which only exists while no other is defined. A 5xx never carries the exception's text: the body
 * gives an error id, and the log line with that id carries the exception.
 */
@Singleton
final class HttpLayerErrors implements ErrorResponseProcessor<String> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpLayerErrors.class);

    private final OrchestratorConfig config;

    HttpLayerErrors(OrchestratorConfig config) {
        this.config = config;
    }

    @Override
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<String> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        HttpRequest<?> request = context.getRequest();
        ApiException error = describe(context, response.status(), request);
        MutableHttpResponse<String> out = (MutableHttpResponse<String>) response;
        if (request.getMethod() == HttpMethod.HEAD) {
            return out;
        }
        return out.body(Json.errorBody(error)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private ApiException describe(ErrorContext context, HttpStatus status, HttpRequest<?> request) {
        if (status.getCode() >= 500) {
            String id = UUID.randomUUID().toString();
            LOG.error(
                    "error id {}: {} {} failed: {}",
                    id,
                    request.getMethod(),
                    ApiException.bounded(request.getPath()),
                    context.getRootCause().map(Throwable::toString).orElse(status.toString()));
            return new ApiException(
                    status, "internal_error", null, "the server failed to answer this request; error id " + id);
        }
        String message = context.getErrors().isEmpty()
                ? status.getReason()
                : context.getErrors().get(0).getMessage();
        return switch (status) {
            case BAD_REQUEST -> new ApiException(status, "invalid_request", field(context), message);
            case NOT_FOUND ->
                new ApiException(
                        status,
                        "not_found",
                        null,
                        "no such resource: " + request.getMethod() + " " + request.getPath());
            case METHOD_NOT_ALLOWED -> new ApiException(status, "method_not_allowed", "method", message);
            case NOT_ACCEPTABLE -> new ApiException(status, "not_acceptable", "Accept", message);
            case UNSUPPORTED_MEDIA_TYPE -> new ApiException(status, "unsupported_media_type", "Content-Type", message);
            case REQUEST_ENTITY_TOO_LARGE -> tooLarge(context);
            default -> new ApiException(status, status.name().toLowerCase(), field(context), message);
        };
    }

    /**
     * A body over Micronaut's buffer or size limit (a chunked body has no Content-Length for the API's own check)
     * names the body; Netty's 413 for a request line or headers too long does not.
     */
    private ApiException tooLarge(ErrorContext context) {
        boolean body = context.getRootCause()
                .filter(cause -> cause instanceof ContentLengthExceededException
                        || cause instanceof BufferLengthExceededException)
                .isPresent();
        return body
                ? new ApiException(
                        HttpStatus.REQUEST_ENTITY_TOO_LARGE,
                        "payload_too_large",
                        "body",
                        "request body is more than the limit of "
                                + config.http().maxRequestBytes() + " bytes")
                : new ApiException(
                        HttpStatus.REQUEST_ENTITY_TOO_LARGE,
                        "payload_too_large",
                        null,
                        "the request line or headers are longer than the server accepts");
    }

    /** The argument a conversion error names ({@code /count} for a bad {@code ?count=}), if any. */
    private static String field(ErrorContext context) {
        return context.getErrors().stream()
                .map(Error::getPath)
                .flatMap(Optional::stream)
                .map(path -> path.startsWith("/") ? path.substring(1) : path)
                .filter(path -> !path.isEmpty())
                .findFirst()
                .orElse(null);
    }
}
