package io.agentfleet.langchain4j;

import dev.langchain4j.exception.HttpException;
import java.time.Duration;

/** An unsuccessful HTTP response that also says how long the provider asked us to wait (null when it did not). */
final class RetryAfterHttpException extends HttpException {
    private final transient Duration retryAfter;

    RetryAfterHttpException(int statusCode, String body, Duration retryAfter) {
        super(statusCode, body);
        this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
