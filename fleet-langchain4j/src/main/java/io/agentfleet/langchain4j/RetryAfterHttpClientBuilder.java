package io.agentfleet.langchain4j;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * LangChain4j's JDK HTTP client, except that an unsuccessful response keeps the provider's {@code retry-after-ms} or
 * {@code Retry-After} (seconds): LangChain4j's own client drops the headers of error responses, and the fleet's
 * backoff should wait at least as long as the provider asked. Pass it to a model builder's
 * {@code httpClientBuilder(...)}. Streaming and multipart calls go to LangChain4j's client unchanged.
 */
public final class RetryAfterHttpClientBuilder implements HttpClientBuilder {
    /** A longer wait is capped: a task should come back within the hour, whatever a gateway says. */
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    private Duration connectTimeout;
    private Duration readTimeout;

    @Override
    public Duration connectTimeout() {
        return connectTimeout;
    }

    @Override
    public RetryAfterHttpClientBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    @Override
    public Duration readTimeout() {
        return readTimeout;
    }

    @Override
    public RetryAfterHttpClientBuilder readTimeout(Duration timeout) {
        this.readTimeout = timeout;
        return this;
    }

    @Override
    public HttpClient build() {
        java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder();
        if (connectTimeout != null) {
            jdk.connectTimeout(connectTimeout);
        }
        JdkHttpClient fallback = JdkHttpClient.builder()
                .httpClientBuilder(jdk)
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .build();
        return new Client(jdk.build(), readTimeout, fallback);
    }

    private record Client(java.net.http.HttpClient http, Duration readTimeout, JdkHttpClient fallback)
            implements HttpClient {

        @Override
        public SuccessfulHttpResponse execute(HttpRequest request) throws HttpException {
            if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
                return fallback.execute(request);
            }
            try {
                HttpResponse<String> response = http.send(toJdk(request), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() < 200 || response.statusCode() >= 300) {
                    throw new RetryAfterHttpException(
                            response.statusCode(), response.body(), retryAfter(response.headers()));
                }
                return SuccessfulHttpResponse.builder()
                        .statusCode(response.statusCode())
                        .headers(response.headers().map())
                        .body(response.body())
                        .build();
            } catch (HttpTimeoutException e) {
                throw new TimeoutException(e);
            } catch (IOException e) {
                throw new RuntimeException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeException(e);
            }
        }

        @Override
        public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
            fallback.execute(request, parser, listener);
        }

        private java.net.http.HttpRequest toJdk(HttpRequest request) {
            java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
            request.headers().forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
            builder.method(
                    request.method().name(),
                    request.body() == null
                            ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofString(
                                    request.body(), StandardCharsets.UTF_8));
            if (readTimeout != null) {
                builder.timeout(readTimeout);
            }
            return builder.build();
        }
    }

    static Duration retryAfter(HttpHeaders headers) {
        Optional<Duration> wait = headers.firstValue("retry-after-ms")
                .flatMap(ms -> number(ms, 1))
                .or(() -> headers.firstValue("retry-after").flatMap(s -> number(s, 1000)));
        return wait.map(w -> w.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : w)
                .orElse(null);
    }

    private static Optional<Duration> number(String value, int millisPerUnit) {
        try {
            double units = Double.parseDouble(value.trim());
            return units >= 0 && !Double.isInfinite(units)
                    ? Optional.of(Duration.ofMillis((long) Math.ceil(units * millisPerUnit)))
                    : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
