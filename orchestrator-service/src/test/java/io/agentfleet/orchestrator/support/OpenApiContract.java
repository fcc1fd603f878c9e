package io.agentfleet.orchestrator.support;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The orchestrator's OpenAPI document (the resource it serves at {@code /v1/openapi.yml}) as the oracle for every
 * response an API test receives: {@link Api} checks each response here, so a route that answers a status, a field or a
 * shape the document does not describe fails the test that saw it. A request to a path or method the document does
 * not have (a fuzzed path, {@code /health}) can only be checked for the error body: any 4xx or 5xx must be an
 * {@code Error}.
 */
public final class OpenApiContract {
    private static final String DOCUMENT_TEXT = read();
    private static final OpenAPI DOCUMENT = parse(DOCUMENT_TEXT);
    private static final OpenApiInteractionValidator RESPONSES =
            OpenApiInteractionValidator.createForInlineApiSpecification(DOCUMENT_TEXT)
                    .withResolveCombinators(true)
                    .withLevelResolver(LevelResolver.create()
                            .withLevel("validation.request.path.missing", ValidationReport.Level.IGNORE)
                            .withLevel("validation.response.path.missing", ValidationReport.Level.IGNORE)
                            .withLevel("validation.request.operation.notAllowed", ValidationReport.Level.IGNORE)
                            .withLevel("validation.response.operation.notAllowed", ValidationReport.Level.IGNORE)
                            .build())
                    .build();
    private static final SchemaValidator SCHEMAS = new SchemaValidator(DOCUMENT, new MessageResolver());

    private OpenApiContract() {}

    /** The document as the orchestrator serves it. */
    public static String text() {
        return DOCUMENT_TEXT;
    }

    /** The parsed document, references resolved. */
    public static OpenAPI document() {
        return DOCUMENT;
    }

    /**
     * Fails with every mismatch when the response to {@code method uri} does not match the document: an undocumented
     * status, a content type the operation does not declare, a body that does not validate against its schema (and, for
     * an event stream, a {@code data:} line that is not a {@code RunEvent}).
     */
    public static void requireDocumented(String method, URI uri, int status, String contentType, String body) {
        SimpleResponse.Builder response = SimpleResponse.Builder.status(status);
        if (contentType != null) {
            response.withContentType(contentType);
        }
        if (body != null && !body.isEmpty()) {
            response.withBody(body);
        }
        ValidationReport report = documentedMethod(method)
                .filter(documented -> !isUnknownRoute(status, body))
                .map(documented -> RESPONSES.validateResponse(uri.getPath(), documented, response.build()))
                .orElse(ValidationReport.empty());
        if (status >= 400 && body != null && !body.isBlank()) {
            report = report.merge(SCHEMAS.validate(body, schema("Error"), "response.body"));
        }
        if (contentType != null && contentType.startsWith("text/event-stream") && body != null) {
            for (String line : body.split("\n")) {
                if (line.startsWith("data:")) {
                    report = report.merge(eventReport(line.substring(5).trim()));
                }
            }
        }
        fail(report, method + " " + uri + " answered " + status + " " + abbreviate(body));
    }

    /** Fails unless {@code data} (one SSE {@code data:} line of a run's events) is a {@code RunEvent}. */
    public static void requireRunEvent(String data) {
        fail(eventReport(data), "event data " + abbreviate(data));
    }

    /**
     * Whether the server found no route for the request ({@code //v1/usage}, {@code /v1/openapi.yml%00}), which the
     * validator's path matching, more lenient than the server's, may still match to an operation.
     */
    private static boolean isUnknownRoute(int status, String body) {
        return status == 404 && body != null && body.contains("\"reason\":\"no such resource: ");
    }

    /** The method, when it is one an OpenAPI operation can have (a fuzzed request may use any token). */
    private static Optional<Request.Method> documentedMethod(String method) {
        return Arrays.stream(Request.Method.values())
                .filter(m -> m.name().equals(method.toUpperCase(Locale.ROOT)))
                .findFirst();
    }

    private static ValidationReport eventReport(String data) {
        return SCHEMAS.validate(data, schema("RunEvent"), "event.data");
    }

    private static Schema<?> schema(String name) {
        return DOCUMENT.getComponents().getSchemas().get(name);
    }

    private static void fail(ValidationReport report, String what) {
        if (report.hasErrors()) {
            StringBuilder message = new StringBuilder(what).append(" does not match openapi.yml:");
            report.getMessages().stream()
                    .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                    .forEach(m -> message.append("\n  ")
                            .append(m.getKey())
                            .append(": ")
                            .append(m.getMessage()));
            throw new AssertionError(message.toString());
        }
    }

    private static String abbreviate(String body) {
        return body == null || body.length() <= 600 ? String.valueOf(body) : body.substring(0, 600) + "…";
    }

    private static String read() {
        try (InputStream in = OpenApiContract.class.getResourceAsStream("/openapi.yml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yml is not on the test class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OpenAPI parse(String text) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
        if (result.getOpenAPI() == null || !result.getMessages().isEmpty()) {
            throw new IllegalStateException("openapi.yml does not parse: " + result.getMessages());
        }
        return result.getOpenAPI();
    }
}
