package io.agentfleet.orchestrator.workflow.blackboard;

import static io.agentfleet.orchestrator.workflow.blackboard.BlackboardLimits.MAX_CONFLICT_RETRIES;
import static io.agentfleet.orchestrator.workflow.blackboard.BlackboardLimits.MAX_RUN_BYTES;
import static io.agentfleet.orchestrator.workflow.blackboard.BlackboardLimits.MAX_SECTIONS;
import static io.agentfleet.orchestrator.workflow.blackboard.BlackboardLimits.MAX_SECTION_BYTES;
import static io.agentfleet.orchestrator.workflow.blackboard.BlackboardLimits.SECTION;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.orchestrator.workflow.engine.JsonText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a submission's blackboard: the run's {@code blackboard} (initial section values) and each task's
 * {@code blackboard} ({@code reads}, {@code writes}, {@code onConflict}, {@code maxConflictRetries}), or throws
 * {@link InvalidMessageException} naming the field and the reason.
 */
public final class BlackboardSpecs {
    public static final String FIELD = "blackboard";
    private static final Set<String> ACCESS_FIELDS = Set.of("reads", "writes", "onConflict", "maxConflictRetries");

    private BlackboardSpecs() {}

    /** The tasks without their {@code blackboard} fields (a copy), for the task parser, which does not know them. */
    public static ArrayNode withoutAccess(ArrayNode tasks) {
        ArrayNode copy = tasks.deepCopy();
        copy.forEach(t -> {
            if (t.isObject()) {
                ((ObjectNode) t).remove(FIELD);
            }
        });
        return copy;
    }

    /** The blackboard of a workflow whose {@code tasks} have been validated. */
    public static BlackboardSpec read(JsonNode runLevel, ArrayNode tasks) {
        Map<String, JsonNode> sections = sections(runLevel);
        Map<String, TaskAccess> access = new LinkedHashMap<>();
        Set<String> written = new LinkedHashSet<>();
        Set<String> named = new LinkedHashSet<>(sections.keySet());
        for (int i = 0; i < tasks.size(); i++) {
            JsonNode node = tasks.get(i).get(FIELD);
            if (node == null || node.isNull()) {
                continue;
            }
            String at = "tasks[" + i + "].blackboard";
            TaskAccess a = access(node, at);
            access.put(tasks.get(i).path("id").asText(), a);
            written.addAll(a.writes());
            named.addAll(a.visible());
            if (named.size() > MAX_SECTIONS) {
                throw new InvalidMessageException(
                        at, "names more than " + MAX_SECTIONS + " blackboard sections in the run, the limit");
            }
        }
        for (int i = 0; i < tasks.size(); i++) {
            TaskAccess a = access.get(tasks.get(i).path("id").asText());
            for (int r = 0; a != null && r < a.reads().size(); r++) {
                String section = a.reads().get(r);
                if (!written.contains(section) && !sections.containsKey(section)) {
                    throw new InvalidMessageException(
                            "tasks[" + i + "].blackboard.reads[" + r + "]",
                            "section '" + section + "' has no initial value and no task writes it");
                }
            }
        }
        return new BlackboardSpec(sections, access);
    }

    private static Map<String, JsonNode> sections(JsonNode runLevel) {
        Map<String, JsonNode> sections = new LinkedHashMap<>();
        if (runLevel == null || runLevel.isNull()) {
            return sections;
        }
        if (!runLevel.isObject()) {
            throw new InvalidMessageException(FIELD, "must be an object of section name to initial value");
        }
        if (runLevel.size() > MAX_SECTIONS) {
            throw new InvalidMessageException(
                    FIELD, "has " + runLevel.size() + " sections, more than the limit of " + MAX_SECTIONS);
        }
        long total = 0;
        for (var it = runLevel.fields(); it.hasNext(); ) {
            var f = it.next();
            String at = FIELD + "." + f.getKey();
            requireSection(f.getKey(), FIELD);
            int bytes = bytes(f.getValue());
            if (bytes > MAX_SECTION_BYTES) {
                throw new InvalidMessageException(
                        at, "is " + bytes + " bytes, more than the limit of " + MAX_SECTION_BYTES + " per section");
            }
            total += bytes;
            sections.put(f.getKey(), f.getValue());
        }
        if (total > MAX_RUN_BYTES) {
            throw new InvalidMessageException(
                    FIELD, "is " + total + " bytes, more than the limit of " + MAX_RUN_BYTES + " per run");
        }
        return sections;
    }

    private static TaskAccess access(JsonNode node, String at) {
        if (!node.isObject()) {
            throw new InvalidMessageException(at, "must be an object {reads, writes, onConflict, maxConflictRetries}");
        }
        node.fieldNames().forEachRemaining(f -> {
            if (!ACCESS_FIELDS.contains(f)) {
                throw new InvalidMessageException(
                        at + "." + f, "unknown field (expected reads, writes, onConflict, maxConflictRetries)");
            }
        });
        List<String> reads = names(node.get("reads"), at + ".reads");
        List<String> writes = names(node.get("writes"), at + ".writes");
        JsonNode on = node.get("onConflict");
        String onConflict = on == null || on.isNull() ? "retry" : on.asText();
        if (!isConflictPolicy(onConflict) || (on != null && !on.isNull() && !on.isTextual())) {
            throw new InvalidMessageException(at + ".onConflict", "must be \"retry\" or \"fail\", but was " + on);
        }
        JsonNode max = node.get("maxConflictRetries");
        int retries = BlackboardLimits.DEFAULT_CONFLICT_RETRIES;
        if (max != null && !max.isNull()) {
            if (!max.canConvertToInt()
                    || !max.isIntegralNumber()
                    || max.asInt() < 0
                    || max.asInt() > MAX_CONFLICT_RETRIES) {
                throw new InvalidMessageException(
                        at + ".maxConflictRetries",
                        "must be an integer from 0 to " + MAX_CONFLICT_RETRIES + ", but was " + max);
            }
            retries = max.asInt();
        }
        return new TaskAccess(reads, writes, onConflict.equals("retry"), retries);
    }

    private static boolean isConflictPolicy(String onConflict) {
        return onConflict.equals("retry") || onConflict.equals("fail");
    }

    private static List<String> names(JsonNode array, String at) {
        List<String> out = new ArrayList<>();
        if (array == null || array.isNull()) {
            return out;
        }
        if (!array.isArray()) {
            throw new InvalidMessageException(at, "must be an array of section names");
        }
        for (int i = 0; i < array.size(); i++) {
            JsonNode n = array.get(i);
            String field = at + "[" + i + "]";
            if (!n.isTextual()) {
                throw new InvalidMessageException(field, "must be a section name");
            }
            requireSection(n.asText(), field);
            if (out.contains(n.asText())) {
                throw new InvalidMessageException(field, "lists '" + n.asText() + "' twice");
            }
            out.add(n.asText());
        }
        return out;
    }

    private static void requireSection(String name, String field) {
        if (!SECTION.matcher(name).matches()) {
            String shown = name.length() > 80 ? name.substring(0, 80) + "..." : name;
            throw new InvalidMessageException(
                    field, "'" + shown + "' is not a valid section name (expected " + SECTION + ")");
        }
    }

    /** The size a value counts for against the limits: its compact JSON text in UTF-8. */
    public static int bytes(JsonNode value) {
        return value == null ? 4 : JsonText.of(value).getBytes(StandardCharsets.UTF_8).length;
    }
}
