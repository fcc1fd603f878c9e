package io.agentfleet.worker.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import io.agentfleet.messages.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The JSON Schema an agent type's JSON answers must satisfy, given inline ({@code {...}}), as a file path, or as
 * {@code classpath:path}. Drafts are detected from {@code $schema}, defaulting to 2020-12.
 */
final class OutputSchema {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_ERRORS = 5;

    private final JsonNode source;
    private final JsonSchema schema;

    private OutputSchema(JsonNode source, JsonSchema schema) {
        this.source = source;
        this.schema = schema;
    }

    /** Loads and compiles the schema, failing with {@code key} and the value when it cannot. */
    static OutputSchema parse(String key, String value) {
        JsonNode node = readSchema(key, value.trim());
        try {
            SpecVersion.VersionFlag version =
                    node.has("$schema") ? SpecVersionDetector.detect(node) : SpecVersion.VersionFlag.V202012;
            JsonSchema schema = JsonSchemaFactory.getInstance(version).getSchema(node);
            schema.initializeValidators();
            return new OutputSchema(node, schema);
        } catch (RuntimeException e) {
            throw new ConfigException(
                    key, key + " is not a usable JSON Schema (" + e.getMessage() + "): '" + abbreviate(value) + "'", e);
        }
    }

    /** The schema text, shown to the model so it knows what to produce. */
    String text() {
        return source.toString();
    }

    /** The schema itself (a copy), sent to providers that constrain output natively. */
    JsonNode json() {
        return source.deepCopy();
    }

    /** Whether the root is an object schema, which both providers' native structured output require. */
    boolean isObjectSchema() {
        return "object".equals(source.path("type").asText());
    }

    /** Validation errors, at most a few, each naming the JSON path; empty when valid. */
    List<String> validate(JsonNode answer) {
        Set<ValidationMessage> errors = schema.validate(answer);
        return errors.stream()
                .limit(MAX_ERRORS)
                .map(ValidationMessage::getMessage)
                .toList();
    }

    private static JsonNode readSchema(String key, String value) {
        String text;
        if (value.startsWith("{")) {
            text = value;
        } else if (value.startsWith("classpath:")) {
            text = readResource(key, value.substring("classpath:".length()));
        } else {
            try {
                text = Files.readString(Path.of(value), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new ConfigException(
                        key,
                        key + " names a schema file that cannot be read: '" + value + "' (" + e.getMessage() + ")",
                        e);
            }
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || !node.isObject()) {
                throw new ConfigException(
                        key, key + " must be a JSON Schema object, but was '" + abbreviate(value) + "'");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ConfigException(
                    key, key + " is not valid JSON (" + e.getOriginalMessage() + "): '" + abbreviate(value) + "'", e);
        }
    }

    private static String readResource(String key, String path) {
        String resource = path.startsWith("/") ? path.substring(1) : path;
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ConfigException(key, key + " names a missing class path resource: 'classpath:" + path + "'");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(
                    key, key + " names a class path resource that cannot be read: 'classpath:" + path + "'", e);
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 120 ? value : value.substring(0, 117) + "...";
    }
}
