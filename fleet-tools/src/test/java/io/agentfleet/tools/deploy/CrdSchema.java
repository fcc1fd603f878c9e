package io.agentfleet.tools.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The structural schema ({@code openAPIV3Schema}) of a CustomResourceDefinition, applied to rendered objects the way
 * the API server does on {@code kubectl apply} with strict field validation: types, required fields, enums, minimums,
 * patterns, and unknown fields refused (unless the schema preserves them). {@code x-kubernetes-validations} (CEL
 * rules) are not evaluated. The KEDA CRDs are vendored from kedacore/keda v2.20.2 (config/crd/bases, Apache-2.0) under
 * src/test/resources/io/agentfleet/tools/deploy/keda-crds.
 */
final class CrdSchema {
    private final String kind;
    private final Map<String, Map<String, Object>> schemaByVersion;

    private CrdSchema(String kind, Map<String, Map<String, Object>> schemaByVersion) {
        this.kind = kind;
        this.schemaByVersion = schemaByVersion;
    }

    /** Loads a CRD from the test class path, e.g. {@code keda-crds/keda.sh_scaledobjects.yaml}. */
    static CrdSchema load(String resource) {
        try (InputStream in = CrdSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("CRD " + resource + " is not on the test class path");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, Object> crd = Yamls.loadAll(text, resource).getFirst();
            String group = Yamls.string(crd, "spec", "group");
            Map<String, Map<String, Object>> schemas = new java.util.LinkedHashMap<>();
            for (Map<String, Object> version : Yamls.maps(crd, "spec", "versions")) {
                schemas.put(
                        group + "/" + Yamls.string(version, "name"), Yamls.map(version, "schema", "openAPIV3Schema"));
            }
            return new CrdSchema(Yamls.string(crd, "spec", "names", "kind"), schemas);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + resource, e);
        }
    }

    String kind() {
        return kind;
    }

    /** The violations of {@code object} (empty when valid); metadata and status are not checked. */
    List<String> violations(Map<String, Object> object) {
        List<String> violations = new ArrayList<>();
        String apiVersion = Yamls.string(object, "apiVersion");
        Map<String, Object> schema = schemaByVersion.get(apiVersion);
        if (schema == null) {
            violations.add(
                    "apiVersion " + apiVersion + " is not served by the " + kind + " CRD: " + schemaByVersion.keySet());
            return violations;
        }
        Map<String, Object> properties = Yamls.map(schema, "properties");
        for (Map.Entry<String, Object> field : object.entrySet()) {
            String name = field.getKey();
            if (name.equals("metadata") || name.equals("status")) {
                continue;
            }
            if (!properties.containsKey(name)) {
                violations.add("." + name + ": unknown field");
            } else {
                check("." + name, field.getValue(), Yamls.map(properties, name), violations);
            }
        }
        for (Object required : Yamls.list(schema, "required")) {
            if (!object.containsKey(String.valueOf(required))) {
                violations.add("." + required + ": required");
            }
        }
        return violations;
    }

    private static void check(String path, Object value, Map<String, Object> schema, List<String> violations) {
        List<Map<String, Object>> anyOf = Yamls.maps(schema, "anyOf");
        if (!anyOf.isEmpty()) {
            boolean matched = anyOf.stream().anyMatch(branch -> {
                List<String> branchViolations = new ArrayList<>();
                check(path, value, branch, branchViolations);
                return branchViolations.isEmpty();
            });
            if (!matched) {
                violations.add(path + ": matches none of " + anyOf);
            }
        }
        if (Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string"))) {
            if (!(value instanceof Number || value instanceof String)) {
                violations.add(path + ": must be an integer or a string, is " + value);
            }
            return;
        }
        String type = Yamls.string(schema, "type");
        if (type != null && !hasType(value, type)) {
            violations.add(path + ": must be " + type + ", is " + describe(value));
            return;
        }
        List<Object> allowed = Yamls.list(schema, "enum");
        if (!allowed.isEmpty() && !allowed.contains(value)) {
            violations.add(path + ": " + value + " is not one of " + allowed);
        }
        if (value instanceof Number number
                && schema.get("minimum") instanceof Number minimum
                && number.doubleValue() < minimum.doubleValue()) {
            violations.add(path + ": " + value + " < minimum " + minimum);
        }
        if (value instanceof String text) {
            if (schema.get("minLength") instanceof Number min && text.length() < min.intValue()) {
                violations.add(path + ": shorter than " + min);
            }
            String pattern = Yamls.string(schema, "pattern");
            if (pattern != null && !Pattern.compile(pattern).matcher(text).find()) {
                violations.add(path + ": '" + text + "' does not match " + pattern);
            }
        }
        if (value instanceof List<?> list) {
            if (schema.get("minItems") instanceof Number min && list.size() < min.intValue()) {
                violations.add(path + ": fewer than " + min + " items");
            }
            Map<String, Object> items = Yamls.map(schema, "items");
            for (int i = 0; i < list.size(); i++) {
                check(path + "[" + i + "]", list.get(i), items, violations);
            }
        }
        if (value instanceof Map<?, ?> map) {
            checkObject(path, map, schema, violations);
        }
    }

    private static void checkObject(String path, Map<?, ?> map, Map<String, Object> schema, List<String> violations) {
        Map<String, Object> properties = Yamls.map(schema, "properties");
        Object additional = schema.get("additionalProperties");
        boolean preserve = Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"));
        for (Map.Entry<?, ?> field : map.entrySet()) {
            String name = String.valueOf(field.getKey());
            if (properties.containsKey(name)) {
                check(path + "." + name, field.getValue(), Yamls.map(properties, name), violations);
            } else if (additional instanceof Map<?, ?>) {
                check(path + "." + name, field.getValue(), Yamls.map(schema, "additionalProperties"), violations);
            } else if (!preserve && !Boolean.TRUE.equals(additional)) {
                violations.add(path + "." + name + ": unknown field");
            }
        }
        for (Object required : Yamls.list(schema, "required")) {
            if (!map.containsKey(String.valueOf(required))) {
                violations.add(path + "." + required + ": required");
            }
        }
    }

    private static boolean hasType(Object value, String type) {
        return switch (type) {
            case "object" -> value instanceof Map<?, ?>;
            case "array" -> value instanceof List<?>;
            case "string" -> value instanceof String;
            case "boolean" -> value instanceof Boolean;
            case "integer" -> value instanceof Integer || value instanceof Long;
            case "number" -> value instanceof Number;
            default -> throw new IllegalStateException("schema type " + type + " is not supported here");
        };
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName() + " " + value;
    }
}
