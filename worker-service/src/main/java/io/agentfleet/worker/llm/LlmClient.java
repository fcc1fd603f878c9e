package io.agentfleet.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.worker.spi.HandlerFailure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one request to a provider over {@code java.net.http} and turns every way it can go wrong into a typed
 * {@link HandlerFailure}: 429 and 5xx are retryable with the provider's {@code Retry-After}, other 4xx are permanent,
 * timeouts and connection errors are retryable, and each outcome feeds the endpoint's {@link CircuitBreaker}. Failure
 * messages never contain the API key.
 */
final class LlmClient {
    static final int MAX_ANSWER_BYTES = 8 * 1024 * 1024;
    private static final int BODY_EXCERPT = 300;

    private final CircuitBreakers breakers;
    private final Clock clock;
    private final LlmTelemetry telemetry;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ConcurrentMap<ClientKey, HttpClient> clients = new ConcurrentHashMap<>();

    private record ClientKey(Duration connectTimeout, boolean http2) {}

    LlmClient(CircuitBreakers breakers, Clock clock, LlmTelemetry telemetry) {
        this.breakers = breakers;
        this.clock = clock;
        this.telemetry = telemetry;
    }

    /** Runs once the circuit lets a call through, right before it is sent: the wait for the shared rate limit. */
    interface Admission {
        Admission NONE = () -> {};

        void await() throws InterruptedException;
    }

    /**
     * @param admission waited on after the circuit breaker's permission (an open circuit takes no rate-limit tokens)
     * @param timeLeft the task's remaining time, or null; the call gets the smaller of it and the read timeout
     * @throws HandlerFailure typed and redacted, for every failed call
     * @throws InterruptedException when the worker interrupts the handler (its timeout)
     */
    LlmResponse complete(
            LlmSettings settings,
            LlmRequest request,
            Admission admission,
            java.util.function.Supplier<Duration> timeLeft)
            throws InterruptedException {
        WireFormat wire = WireFormat.of(settings.provider());
        CircuitBreaker breaker = breakers.forEndpoint(settings);
        breaker.acquirePermission();
        Call call = new Call(settings, wire, breaker);
        try {
            long waitStarted = System.nanoTime();
            admission.await();
            if (admission != Admission.NONE) {
                telemetry.rateLimitWait(settings, Duration.ofNanos(System.nanoTime() - waitStarted));
            }
            return call.run(request, timeout(settings, timeLeft.get()));
        } finally {
            if (!call.judged) {
                breaker.onAbandoned();
            }
        }
    }

    private static Duration timeout(LlmSettings settings, Duration timeLeft) {
        if (timeLeft == null || timeLeft.compareTo(settings.readTimeout()) >= 0) {
            return settings.readTimeout();
        }
        return timeLeft.isZero() || timeLeft.isNegative() ? Duration.ofMillis(1) : timeLeft;
    }

    /** One exchange; records exactly one verdict on the breaker unless interrupted. */
    private final class Call {
        private final LlmSettings settings;
        private final WireFormat wire;
        private final CircuitBreaker breaker;
        private final URI url;
        private boolean judged;

        Call(LlmSettings settings, WireFormat wire, CircuitBreaker breaker) {
            this.settings = settings;
            this.wire = wire;
            this.breaker = breaker;
            this.url = wire.endpoint(settings.baseUrl());
        }

        LlmResponse run(LlmRequest request, Duration timeout) throws InterruptedException {
            HttpRequest httpRequest = build(request, timeout);
            LlmTelemetry.Observation observation = telemetry.start(settings, url);
            try {
                LlmResponse answer = exchange(httpRequest, timeout);
                observation.succeeded(answer);
                return answer;
            } catch (HandlerFailure e) {
                observation.failed(e.failure().type());
                throw e;
            } catch (InterruptedException e) {
                observation.failed("INTERRUPTED");
                throw e;
            } catch (RuntimeException e) {
                observation.failed(e.getClass().getSimpleName());
                throw e;
            }
        }

        private LlmResponse exchange(HttpRequest httpRequest, Duration timeout) throws InterruptedException {
            HttpResponse<byte[]> response = send(httpRequest, timeout);
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return parse(response);
            }
            throw statusFailure(response);
        }

        private HttpRequest build(LlmRequest request, Duration timeout) {
            byte[] body;
            try {
                body = mapper.writeValueAsBytes(wire.body(settings, request));
            } catch (IOException e) {
                throw new IllegalStateException("cannot encode a request body", e);
            }
            HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (settings.provider() == Provider.ANTHROPIC) {
                builder.header("anthropic-version", AnthropicMessages.API_VERSION);
            }
            settings.apiKey().value().ifPresent(key -> wire.authenticate(builder, settings, key));
            return builder.build();
        }

        private HttpResponse<byte[]> send(HttpRequest request, Duration timeout) throws InterruptedException {
            CompletableFuture<HttpResponse<byte[]>> exchange =
                    client(settings).sendAsync(request, LimitedBody.handler(MAX_ANSWER_BYTES));
            try {
                // One deadline for headers and body alike: a server that stalls mid-answer times out too.
                return exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                exchange.cancel(true);
                throw failed(HandlerFailure.retryable(
                        "PROVIDER_TIMEOUT", "no answer from " + label() + " within " + timeout.toMillis() + " ms"));
            } catch (InterruptedException e) {
                exchange.cancel(true);
                throw e;
            } catch (CancellationException e) {
                throw failed(HandlerFailure.retryable("PROVIDER_UNAVAILABLE", "call to " + label() + " was cancelled"));
            } catch (ExecutionException e) {
                throw failed(transportFailure(e.getCause(), timeout));
            }
        }

        private HandlerFailure transportFailure(Throwable cause, Duration timeout) {
            if (cause instanceof HttpConnectTimeoutException) {
                return HandlerFailure.retryable(
                        "PROVIDER_UNAVAILABLE",
                        "cannot connect to " + label() + " within "
                                + settings.connectTimeout().toMillis() + " ms");
            }
            if (cause instanceof HttpTimeoutException) {
                return HandlerFailure.retryable(
                        "PROVIDER_TIMEOUT", "no answer from " + label() + " within " + timeout.toMillis() + " ms");
            }
            if (cause instanceof ConnectException) {
                return HandlerFailure.retryable("PROVIDER_UNAVAILABLE", "cannot connect to " + label());
            }
            String detail =
                    cause == null ? "unknown error" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            return HandlerFailure.retryable(
                    "PROVIDER_UNAVAILABLE", "call to " + label() + " failed: " + redact(detail));
        }

        private LlmResponse parse(HttpResponse<byte[]> response) {
            try {
                JsonNode body = mapper.readTree(response.body());
                if (body == null || !body.isObject()) {
                    throw new IllegalArgumentException("the answer is not a JSON object");
                }
                LlmResponse answer = wire.parse(body, settings);
                judge(true);
                return answer;
            } catch (IOException | IllegalArgumentException e) {
                String reason = e instanceof IOException ? "not JSON" : e.getMessage();
                throw failed(HandlerFailure.retryable(
                        "MALFORMED_RESPONSE",
                        redact("malformed answer from " + label() + " (HTTP " + response.statusCode() + "): " + reason
                                + "; body starts: " + excerpt(response))));
            }
        }

        private HandlerFailure statusFailure(HttpResponse<byte[]> response) {
            int status = response.statusCode();
            String detail = "HTTP " + status + " from " + label() + ": " + providerMessage(response);
            java.util.Optional<Duration> retryAfter = RetryAfter.from(response.headers(), clock);
            if (status == 429) {
                judge(true); // The endpoint is up, only busy: Retry-After paces us, not the breaker.
                return HandlerFailure.retryableAfter("RATE_LIMITED", redact(detail), retryAfter.orElse(null));
            }
            if (status >= 500 || status == 408) {
                judge(false);
                return HandlerFailure.retryableAfter("PROVIDER_ERROR", redact(detail), retryAfter.orElse(null));
            }
            judge(true);
            if (status >= 300 && status < 400) {
                return HandlerFailure.permanent("PROVIDER_REJECTED", redact(detail + " (redirects are not followed)"));
            }
            return HandlerFailure.permanent("PROVIDER_REJECTED", redact(detail));
        }

        private String providerMessage(HttpResponse<byte[]> response) {
            try {
                JsonNode body = mapper.readTree(response.body());
                String message = body == null ? null : WireFormat.errorMessage(body);
                if (message != null) {
                    return abbreviate(message);
                }
            } catch (IOException e) {
                // Not JSON: show the start of the body instead.
            }
            return excerpt(response);
        }

        private HandlerFailure failed(HandlerFailure failure) {
            judge(false);
            return failure;
        }

        private void judge(boolean endpointHealthy) {
            if (judged) {
                return;
            }
            judged = true;
            if (endpointHealthy) {
                breaker.onSuccess();
            } else {
                breaker.onFailure();
            }
        }

        private String label() {
            return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                    + url.getRawPath();
        }

        private String excerpt(HttpResponse<byte[]> response) {
            String text = new String(response.body(), StandardCharsets.UTF_8);
            return abbreviate(text.isBlank() ? "(empty)" : text.strip());
        }

        private String redact(String text) {
            return Redactor.redact(text, settings.apiKey());
        }
    }

    private HttpClient client(LlmSettings settings) {
        boolean http2 = "https".equalsIgnoreCase(settings.baseUrl().getScheme());
        return clients.computeIfAbsent(
                new ClientKey(settings.connectTimeout(), http2),
                key -> HttpClient.newBuilder()
                        .connectTimeout(key.connectTimeout())
                        .version(key.http2() ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build());
    }

    private static String abbreviate(String text) {
        return text.length() <= BODY_EXCERPT ? text : text.substring(0, BODY_EXCERPT) + "…";
    }
}
