package io.agentfleet.orchestrator.workflow.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.InvalidMessageException;
import java.util.Iterator;
import java.util.Set;

/** Typed reads of a spec's JSON fields, each failing with the field's path and the reason. */
final class JsonFields {
    private JsonFields() {}

    static String text(ObjectNode node, String field, String at) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidMessageException(at + field, "is required");
        }
        if (!value.isTextual()) {
            throw new InvalidMessageException(at + field, "must be a string, but was " + value.getNodeType());
        }
        return value.asText();
    }

    static boolean bool(ObjectNode node, String field, String at) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidMessageException(at + field, "must be true or false, but was " + value);
        }
        return value.booleanValue();
    }

    static int intField(ObjectNode node, String field, String path, int fallback, int min, int max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            throw new InvalidMessageException(
                    path, "must be an integer from " + min + " to " + max + ", but was " + value);
        }
        return value.intValue();
    }

    static void requireKnownFields(ObjectNode node, Set<String> known, String at) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new InvalidMessageException(
                        at + name,
                        "unknown field (expected one of "
                                + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
