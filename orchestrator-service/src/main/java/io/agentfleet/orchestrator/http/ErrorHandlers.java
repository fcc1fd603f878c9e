package io.agentfleet.orchestrator.http;

import io.agentfleet.messages.BackpressureException;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.orchestrator.workflow.PayloadTooLargeException;
import io.lettuce.core.RedisException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    /**
     * Redis unreachable, timing out or refusing for a moment (a failover: CLUSTERDOWN, TRYAGAIN, a node being
     * replaced): 503 with Retry-After, so the caller retries instead of treating it as a bug. The exception text stays
     * in the log.
     */
    @Produces
    @Singleton
    @Requires(classes = RedisException.class)
    static final class RedisUnavailable implements ExceptionHandler<RedisException, HttpResponse<?>> {
        private static final Logger LOG = LoggerFactory.getLogger(RedisUnavailable.class);

        @Override
        public HttpResponse<?> handle(HttpRequest request, RedisException e) {
            LOG.warn("{} {} failed on Redis: {}", request.getMethod(), request.getPath(), e.toString());
            return Json.error(new ApiException(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "redis_unavailable",
                    null,
                    "Redis did not answer or refused for a moment; retry",
                    1L));
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
