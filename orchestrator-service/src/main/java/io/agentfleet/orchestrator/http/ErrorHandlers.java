package io.agentfleet.orchestrator.http;

import io.agentfleet.messages.BackpressureException;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.orchestrator.workflow.PayloadTooLargeException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Maps failures to the API's JSON error shape. */
final class ErrorHandlers {
    private ErrorHandlers() {}

    @Produces
    @Singleton
    @Requires(classes = ApiException.class)
    static final class Api implements ExceptionHandler<ApiException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, ApiException exception) {
            return Json.error(exception);
        }
    }

    @Produces
    @Singleton
    @Requires(classes = InvalidMessageException.class)
    static final class Invalid implements ExceptionHandler<InvalidMessageException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, InvalidMessageException e) {
            boolean tooLarge = e instanceof PayloadTooLargeException;
            return Json.error(new ApiException(
                    tooLarge ? HttpStatus.REQUEST_ENTITY_TOO_LARGE : HttpStatus.BAD_REQUEST,
                    tooLarge ? "payload_too_large" : "invalid_request",
                    e.field(),
                    e.reason()));
        }
    }

    @Produces
    @Singleton
    @Requires(classes = BackpressureException.class)
    static final class Backpressure implements ExceptionHandler<BackpressureException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, BackpressureException e) {
            return Json.error(
                    new ApiException(HttpStatus.TOO_MANY_REQUESTS, "backpressure", "agent", e.getMessage(), 1L));
        }
    }

    @Produces
    @Singleton
    @Requires(classes = ContentLengthExceededException.class)
    static final class TooLarge implements ExceptionHandler<ContentLengthExceededException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, ContentLengthExceededException e) {
            return Json.error(
                    new ApiException(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large", "body", e.getMessage()));
        }
    }
}
