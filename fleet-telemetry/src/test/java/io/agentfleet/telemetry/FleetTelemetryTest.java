package io.agentfleet.telemetry;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetTelemetryTest {
    @Test
    void tracingIsOffUnlessConfigured() {
        assertSame(io.opentelemetry.api.OpenTelemetry.noop(), FleetTelemetry.fromEnvironment("svc", Map.of()));
        assertSame(
                io.opentelemetry.api.OpenTelemetry.noop(),
                FleetTelemetry.fromEnvironment(
                        "svc",
                        Map.of(
                                "OTEL_TRACES_EXPORTER",
                                "none",
                                "OTEL_EXPORTER_OTLP_ENDPOINT",
                                "http://collector:4317")));
        assertNotNull(FleetTelemetry.fromEnvironment("svc", Map.of("OTEL_SDK_DISABLED", "true")));
    }
}
