package io.agentfleet.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the process's {@link OpenTelemetry} from the standard {@code OTEL_*} variables and system properties. Tracing
 * is off (a no-op exporter, nothing sent) unless {@code OTEL_TRACES_EXPORTER} (other than {@code none}) or an OTLP
 * endpoint is configured;
 * metrics and logs are never exported through OTel (metrics go to the Prometheus endpoint).
 */
public final class FleetTelemetry {
    private FleetTelemetry() {}

    /** An SDK configured from the environment, with {@code serviceName} unless {@code OTEL_SERVICE_NAME} says otherwise. */
    public static OpenTelemetry fromEnvironment(String serviceName) {
        return fromEnvironment(serviceName, System.getenv());
    }

    static OpenTelemetry fromEnvironment(String serviceName, Map<String, String> env) {
        String exporter = env.getOrDefault("OTEL_TRACES_EXPORTER", System.getProperty("otel.traces.exporter"));
        if ("none".equalsIgnoreCase(exporter)) {
            // Deployments set this explicitly to keep tracing off: no SDK, no spans, no cost on the hot paths.
            return OpenTelemetry.noop();
        }
        boolean configured = exporter != null
                || env.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")
                || env.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        if ("true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED")) || !configured) {
            return OpenTelemetry.noop();
        }
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.service.name", serviceName);
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        return AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .setResultAsGlobal()
                .build()
                .getOpenTelemetrySdk();
    }
}
