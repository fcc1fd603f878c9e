package io.agentfleet.orchestrator.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;

/**
 * Test-only span exporter for child processes: appends one JSON line per finished span (service, traceId, spanId,
 * parentSpanId, name, kind, attributes, links) to a file the test reads back.
 */
public final class JsonFileSpanExporter implements SpanExporter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Writer out;

    JsonFileSpanExporter(Path file) {
        try {
            this.out = Files.newBufferedWriter(
                    file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> spans) {
        try {
            for (SpanData span : spans) {
                out.write(JSON.writeValueAsString(toJson(span)));
                out.write('\n');
            }
            out.flush();
            return CompletableResultCode.ofSuccess();
        } catch (IOException e) {
            return CompletableResultCode.ofFailure();
        }
    }

    static ObjectNode toJson(SpanData span) {
        ObjectNode n = JSON.createObjectNode();
        n.put(
                "service",
                span.getResource().getAttributes().asMap().entrySet().stream()
                        .filter(e -> e.getKey().getKey().equals("service.name"))
                        .map(e -> String.valueOf(e.getValue()))
                        .findFirst()
                        .orElse(""));
        n.put("traceId", span.getTraceId());
        n.put("spanId", span.getSpanId());
        n.put("parentSpanId", span.getParentSpanContext().isValid() ? span.getParentSpanId() : null);
        n.put("name", span.getName());
        n.put("kind", span.getKind().name());
        n.put("status", span.getStatus().getStatusCode().name());
        ObjectNode attributes = n.putObject("attributes");
        span.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), String.valueOf(v)));
        ArrayNode links = n.putArray("links");
        for (LinkData link : span.getLinks()) {
            ObjectNode l = links.addObject();
            l.put("traceId", link.getSpanContext().getTraceId());
            l.put("spanId", link.getSpanContext().getSpanId());
        }
        return n;
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public synchronized CompletableResultCode shutdown() {
        try {
            out.close();
        } catch (IOException e) {
            return CompletableResultCode.ofFailure();
        }
        return CompletableResultCode.ofSuccess();
    }
}
