package io.agentfleet.orchestrator.support;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;

/**
 * {@code OTEL_TRACES_EXPORTER=jsonfile} with {@code OTEL_EXPORTER_JSONFILE_PATH=<file>}: child processes started on the
 * test class path write their spans to that file (see {@link JsonFileSpanExporter}).
 */
public final class JsonFileSpanExporterProvider implements ConfigurableSpanExporterProvider {
    public static final String NAME = "jsonfile";
    public static final String PATH_ENV = "OTEL_EXPORTER_JSONFILE_PATH";

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
        String path = config.getString("otel.exporter.jsonfile.path");
        if (path == null) {
            throw new IllegalArgumentException(PATH_ENV + " is required with OTEL_TRACES_EXPORTER=" + NAME);
        }
        return new JsonFileSpanExporter(Path.of(path));
    }

    @Override
    public String getName() {
        return NAME;
    }
}
