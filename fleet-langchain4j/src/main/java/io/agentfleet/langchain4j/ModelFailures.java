package io.agentfleet.langchain4j;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import io.agentfleet.messages.Failure;
import io.agentfleet.worker.spi.HandlerFailure;
import java.time.Duration;

/**
 * Maps what a LangChain4j model throws to a typed {@link HandlerFailure}, with the failure types of the worker's own
 * {@code llm} handler: the provider's HTTP status decides where one is known, else LangChain4j's exception type.
 */
final class ModelFailures {
    private ModelFailures() {}

    /** @param apiKey replaced by {@code [redacted]} in the message; null when there is none */
    static HandlerFailure toHandlerFailure(String agentType, RuntimeException e, String apiKey) {
        String described = describe(e);
        String detail = "model of agent type " + agentType + ": "
                + (apiKey == null ? described : described.replace(apiKey, "[redacted]"));
        Duration retryAfter = retryAfter(e);
        Integer status = statusOf(e);
        Failure failure;
        if (status != null) {
            failure = byStatus(status, detail, retryAfter);
        } else if (e instanceof TimeoutException) {
            failure = Failure.retryable("PROVIDER_TIMEOUT", detail);
        } else if (e instanceof UnresolvedModelServerException) {
            failure = Failure.retryable("PROVIDER_UNAVAILABLE", detail);
        } else if (e instanceof RateLimitException) {
            failure = new Failure("RATE_LIMITED", detail, true, retryAfter);
        } else if (e instanceof InternalServerException) {
            failure = new Failure("PROVIDER_ERROR", detail, true, retryAfter);
        } else if (e instanceof AuthenticationException
                || e instanceof ModelNotFoundException
                || e instanceof InvalidRequestException
                || e instanceof NonRetriableException) {
            failure = Failure.permanent("PROVIDER_REJECTED", detail);
        } else {
            failure = Failure.retryable("PROVIDER_UNAVAILABLE", detail);
        }
        return new HandlerFailure(failure, e);
    }

    private static Failure byStatus(int status, String detail, Duration retryAfter) {
        if (status == 408) {
            return Failure.retryable("PROVIDER_TIMEOUT", detail);
        }
        if (status == 429) {
            return new Failure("RATE_LIMITED", detail, true, retryAfter);
        }
        if (status >= 500) {
            return new Failure("PROVIDER_ERROR", detail, true, retryAfter);
        }
        return Failure.permanent("PROVIDER_REJECTED", detail);
    }

    private static Integer statusOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpException http) {
                return http.statusCode();
            }
        }
        return null;
    }

    private static Duration retryAfter(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RetryAfterHttpException withWait) {
                return withWait.retryAfter();
            }
        }
        return null;
    }

    private static String describe(Throwable e) {
        Integer status = statusOf(e);
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String cut = message.length() > 500 ? message.substring(0, 500) + "…" : message;
        return status == null ? cut : "HTTP " + status + ": " + cut;
    }
}
