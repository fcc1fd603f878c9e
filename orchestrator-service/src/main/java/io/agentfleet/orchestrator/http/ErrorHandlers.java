package io.agentfleet.orchestrator.http;

import io.agentfleet.messages.BackpressureException;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.orchestrator.workflow.spec.PayloadTooLargeException;
import io.lettuce.core.RedisException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.netty.handler.codec.compression.DecompressionException;
import jakarta.inject.Singleton;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
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

    /** A charset the JDK does not know (or a malformed name) in Content-Type: the body cannot be read. */
    @Produces
    @Singleton
    @Requires(classes = UnsupportedCharsetException.class)
    static final class UnknownCharset implements ExceptionHandler<UnsupportedCharsetException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, UnsupportedCharsetException e) {
            return Json.error(unsupportedCharset(e.getCharsetName()));
        }
    }

    @Produces
    @Singleton
    @Requires(classes = IllegalCharsetNameException.class)
    static final class IllegalCharset implements ExceptionHandler<IllegalCharsetNameException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, IllegalCharsetNameException e) {
            return Json.error(unsupportedCharset(e.getCharsetName()));
        }
    }

    private static ApiException unsupportedCharset(String charset) {
        return new ApiException(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                HttpHeaders.CONTENT_TYPE,
                "charset '" + charset + "' is not supported; send UTF-8 JSON");
    }

    /** A body that does not decode as its Content-Encoding says (a corrupt gzip header, bad deflate data). */
    @Produces
    @Singleton
    @Requires(classes = DecompressionException.class)
    static final class CorruptEncoding implements ExceptionHandler<DecompressionException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, DecompressionException e) {
            return Json.error(new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "invalid_request",
                    HttpHeaders.CONTENT_ENCODING,
                    "the body does not decode as its Content-Encoding says (corrupt or truncated data)"));
        }
    }
}
