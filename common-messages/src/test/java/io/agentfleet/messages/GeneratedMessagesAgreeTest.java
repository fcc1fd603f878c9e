package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.regex.JoniRegularExpressionFactory;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Messages generated from the published JSON Schema (a seeded walk of its properties, then one targeted mutation
 * each) are accepted or rejected alike by the schema, with the limits it states in {@code x-limits}, and by the codec:
 * as any message ({@link MessageCodec#decode(byte[])} against the root) and as a task-stream delivery
 * ({@link MessageCodec#decodeTask} against {@code $defs/task} plus its recipient rule). Patterns are read as ECMA-262
 * regular expressions, as a Node or Python producer's validator reads them.
 */
class GeneratedMessagesAgreeTest {
    private static final String SCHEMA_ID = "https://agentfleet.io/schemas/agent-message/1.json";
    private static final String STREAM_TYPE = "coder";
    private static final long SEED = 20_261_205L;
    private static final int MESSAGES = 400;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Parses anything the codec might refuse, so that the schema side judges it by its own rules. */
    private static final ObjectMapper LENIENT = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(100_000)
                    .maxNumberLength(100_000)
                    .maxNameLength(1_000_000)
                    .maxStringLength(100_000_000)
                    .build())
            .build());

    private static final MessageCodec CODEC = new MessageCodec();
    // The generator knows how to write values for these patterns; a new pattern in the schema fails the test until
    // the generator learns it.
    private static final String ID_PATTERN = "^[A-Za-z0-9._:/@-]{1,200}$(?!\\n)";
    private static final String AGENT_TYPE_PATTERN = "^[a-z0-9][a-z0-9_-]{0,63}$(?!\\n)";
    private static final String TRACEPARENT_PATTERN = "^[!-~]+$(?!\\n)";
    private static JsonNode schemaDoc;
    private static JsonSchema messageSchema;
    private static JsonSchema taskSchema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = AgentMessage.class.getResourceAsStream("agent-message.schema.json")) {
            schemaDoc = LENIENT.readTree(in);
        }
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(mappers -> mappers.mappings(
                        Map.of(SCHEMA_ID, "classpath:io/agentfleet/messages/agent-message.schema.json"))));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .regularExpressionFactory(JoniRegularExpressionFactory.getInstance())
                .build();
        messageSchema = factory.getSchema(SchemaLocation.of(SCHEMA_ID), config);
        taskSchema = factory.getSchema(SchemaLocation.of(SCHEMA_ID + "#/$defs/task"), config);
    }

    @Test
    void limitsStatedInTheSchemaAreTheCodecs() {
        JsonNode limits = schemaDoc.get("x-limits");
        assertEquals(MessageLimits.DEFAULT_MAX_BYTES, limits.get("maxBytes").asInt());
        assertEquals(
                MessageLimits.DEFAULT_MAX_NESTING_DEPTH,
                limits.get("maxNestingDepth").asInt());
        assertEquals(
                MessageLimits.MAX_NUMBER_CHARS, limits.get("maxNumberChars").asInt());
        assertEquals(MessageLimits.MAX_NAME_CHARS, limits.get("maxNameChars").asInt());
    }

    @Test
    void schemaAndCodecAgreeOnEveryGeneratedMessage() {
        Generator generator = new Generator(new Random(SEED));
        List<String> disagreements = new ArrayList<>();
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < MESSAGES; i++) {
            ObjectNode valid = generator.message();
            List<Case> cases = new ArrayList<>();
            cases.add(new Case("generated", valid.toString()));
            cases.addAll(generator.mutations(valid));
            for (Case c : cases) {
                Verdicts v = judge(c.json());
                if (v.schemaAcceptsMessage() != v.codecAcceptsMessage()
                        || v.schemaAcceptsTask() != v.codecAcceptsTask()) {
                    disagreements.add(c.label() + ": " + v + " " + abbreviate(c.json()));
                }
                if (v.codecAcceptsMessage()) {
                    accepted++;
                } else {
                    rejected++;
                }
            }
            if (disagreements.size() > 20) {
                break;
            }
        }
        assertTrue(
                disagreements.isEmpty(),
                () -> disagreements.size() + " disagreements:\n" + String.join("\n", disagreements));
        assertTrue(accepted > MESSAGES && rejected > MESSAGES, "both kinds generated: " + accepted + "/" + rejected);
    }

    @Test
    void limitsAgreeAtTheirEdges() {
        int maxBytes = schemaDoc.get("x-limits").get("maxBytes").asInt();
        int maxDepth = schemaDoc.get("x-limits").get("maxNestingDepth").asInt();
        int maxNumber = schemaDoc.get("x-limits").get("maxNumberChars").asInt();
        int maxName = schemaDoc.get("x-limits").get("maxNameChars").asInt();
        ObjectNode base = new Generator(new Random(SEED)).minimal();
        List<Case> cases = new ArrayList<>();
        for (int extra = -1; extra <= 1; extra++) {
            cases.add(new Case("size " + extra, padded(base, maxBytes + extra)));
            cases.add(new Case("depth " + extra, nested(base, maxDepth + extra)));
            cases.add(new Case("number " + extra, with(base, "1".repeat(maxNumber + extra))));
            cases.add(new Case("name " + extra, with(base, "{\"" + "n".repeat(maxName + extra) + "\":1}")));
        }
        for (Case c : cases) {
            Verdicts v = judge(c.json());
            assertEquals(v.schemaAcceptsMessage(), v.codecAcceptsMessage(), c.label() + ": " + v);
            assertEquals(v.schemaAcceptsTask(), v.codecAcceptsTask(), c.label() + ": " + v);
        }
        assertTrue(judge(padded(base, maxBytes)).codecAcceptsMessage(), "exactly the limit is accepted");
        assertTrue(judge(nested(base, maxDepth)).codecAcceptsMessage(), "exactly the depth is accepted");
    }

    private record Case(String label, String json) {}

    private record Verdicts(
            boolean schemaAcceptsMessage,
            boolean codecAcceptsMessage,
            boolean schemaAcceptsTask,
            boolean codecAcceptsTask) {}

    private static Verdicts judge(String json) {
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        JsonNode tree;
        try {
            tree = LENIENT.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("the generator wrote malformed JSON: " + abbreviate(json), e);
        }
        boolean withinLimits = withinStatedLimits(json, utf8.length);
        boolean schemaMessage = withinLimits && valid(messageSchema, tree);
        boolean schemaTask = withinLimits
                && valid(taskSchema, tree)
                && STREAM_TYPE.equals(tree.path("recipient").asText());
        return new Verdicts(
                schemaMessage,
                accepts(() -> CODEC.decode(utf8)),
                schemaTask,
                accepts(() -> CODEC.decodeTask(utf8, STREAM_TYPE)));
    }

    /**
     * Numbers are read as doubles, as a JavaScript or Python validator reads them. The validator throws on a number
     * that overflowed to infinity where it checks a bound: that value is outside every bound, so it is rejected.
     */
    private static boolean valid(JsonSchema schema, JsonNode tree) {
        try {
            return schema.validate(tree).isEmpty();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean accepts(Runnable decode) {
        try {
            decode.run();
            return true;
        } catch (InvalidMessageException e) {
            return false;
        }
    }

    /** The schema's x-limits, checked on the text independently of the codec. */
    private static boolean withinStatedLimits(String json, int bytes) {
        JsonNode limits = schemaDoc.get("x-limits");
        if (bytes > limits.get("maxBytes").asInt()) {
            return false;
        }
        int depth = 0;
        try (JsonParser parser = LENIENT.createParser(json)) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                switch (t) {
                    case START_OBJECT, START_ARRAY -> {
                        if (++depth > limits.get("maxNestingDepth").asInt()) {
                            return false;
                        }
                    }
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME -> {
                        if (parser.currentName().length()
                                > limits.get("maxNameChars").asInt()) {
                            return false;
                        }
                    }
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        if (parser.getText().length()
                                > limits.get("maxNumberChars").asInt()) {
                            return false;
                        }
                    }
                    default -> {}
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return true;
    }

    private static String padded(ObjectNode base, int totalBytes) {
        ObjectNode m = base.deepCopy();
        ((ObjectNode) m.get("content")).put("pad", "");
        int missing = totalBytes - m.toString().getBytes(StandardCharsets.UTF_8).length;
        ((ObjectNode) m.get("content")).put("pad", "p".repeat(missing));
        return m.toString();
    }

    /** The message with its content holding objects down to {@code depth} counted from the message itself (1). */
    private static String nested(ObjectNode base, int depth) {
        StringBuilder value = new StringBuilder();
        // The message is depth 1 and content depth 2: add depth - 2 levels inside content.
        value.append("{\"d\":".repeat(depth - 2)).append("1").append("}".repeat(depth - 2));
        return with(base, value.toString());
    }

    /** The message with {@code content.x} set to the raw JSON {@code value}. */
    private static String with(ObjectNode base, String rawValue) {
        ObjectNode m = base.deepCopy();
        ((ObjectNode) m.get("content")).put("x", "@@X@@");
        return m.toString().replace("\"@@X@@\"", rawValue);
    }

    private static String abbreviate(String json) {
        return json.length() <= 400 ? json : json.substring(0, 400) + "...(" + json.length() + " chars)";
    }

    /** Walks the schema document to build valid messages, then breaks them one rule at a time. */
    private static final class Generator {
        private final Random random;

        Generator(Random random) {
            this.random = random;
        }

        ObjectNode minimal() {
            ObjectNode m = F.objectNode();
            for (JsonNode name : schemaDoc.get("required")) {
                m.set(name.asText(), value(property(name.asText()), name.asText()));
            }
            m.put("type", "REQUEST");
            m.put("recipient", STREAM_TYPE);
            m.set("content", F.objectNode());
            return m;
        }

        ObjectNode message() {
            ObjectNode m = F.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            schemaDoc.get("properties").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                if (isRequired(p.getKey()) || random.nextBoolean()) {
                    m.set(p.getKey(), value(p.getValue(), p.getKey()));
                }
            }
            if (random.nextInt(3) > 0) {
                m.put("type", "REQUEST");
            }
            if (random.nextInt(3) > 0) {
                m.put("recipient", STREAM_TYPE);
            }
            if (random.nextInt(4) == 0) {
                m.set("x-ext" + random.nextInt(3), randomJson(3));
            }
            return m;
        }

        private static boolean isRequired(String name) {
            for (JsonNode r : schemaDoc.get("required")) {
                if (r.asText().equals(name)) {
                    return true;
                }
            }
            return false;
        }

        private static JsonNode property(String name) {
            return schemaDoc.get("properties").get(name);
        }

        /** A value the subschema accepts. */
        private JsonNode value(JsonNode schema, String name) {
            schema = resolve(schema);
            if (schema.has("allOf")) {
                ObjectNode merged = F.objectNode();
                for (JsonNode part : schema.get("allOf")) {
                    merged.setAll((ObjectNode) resolve(part));
                }
                return value(merged, name);
            }
            if (schema.has("const")) {
                return schema.get("const");
            }
            if (schema.has("enum")) {
                return schema.get("enum").get(random.nextInt(schema.get("enum").size()));
            }
            if (schema.has("oneOf")) {
                JsonNode options = schema.get("oneOf");
                return value(options.get(random.nextInt(options.size())), name);
            }
            if (!schema.has("type") && schema.has("examples")) {
                // A field that takes any JSON value (priority: readers keep a value naming no level as it is).
                JsonNode examples = schema.get("examples");
                return random.nextInt(4) == 0
                        ? F.numberNode(random.nextInt(10))
                        : examples.get(random.nextInt(examples.size()));
            }
            String type = pickType(schema);
            return switch (type) {
                case "null" -> F.nullNode();
                case "string" -> F.textNode(string(schema));
                case "integer" -> integer(schema);
                case "number" -> F.numberNode(number(schema));
                case "object" -> object(schema, name);
                default -> throw new AssertionError("no generator for type " + type + " of " + name);
            };
        }

        /** Merges a {@code $ref} with its sibling keywords (siblings win, as in a narrowing "minimum"). */
        private static JsonNode resolve(JsonNode schema) {
            if (!schema.has("$ref")) {
                return schema;
            }
            String ref = schema.get("$ref").asText();
            JsonNode target = ref.equals("#") ? schemaDoc : schemaDoc.at(ref.substring(1));
            ObjectNode merged = ((ObjectNode) resolve(target)).deepCopy();
            schema.fields().forEachRemaining(f -> {
                if (!f.getKey().equals("$ref")) {
                    merged.set(f.getKey(), f.getValue());
                }
            });
            return merged;
        }

        private String pickType(JsonNode schema) {
            JsonNode type = schema.get("type");
            if (type == null) {
                throw new AssertionError("no type in " + schema);
            }
            return type.isArray() ? type.get(random.nextInt(type.size())).asText() : type.asText();
        }

        private String string(JsonNode schema) {
            if (!schema.has("pattern")) {
                return random.nextInt(5) == 0 ? "" : randomText(1 + random.nextInt(20));
            }
            String pattern = schema.get("pattern").asText();
            return switch (pattern) {
                case ID_PATTERN ->
                    fromAlphabet("ABCxyz0189._:/@-", random.nextInt(10) == 0 ? 200 : 1 + random.nextInt(30));
                case AGENT_TYPE_PATTERN ->
                    fromAlphabet("abcxyz09", 1)
                            + fromAlphabet("abz09_-", random.nextInt(10) == 0 ? 63 : random.nextInt(12));
                case TRACEPARENT_PATTERN ->
                    random.nextBoolean()
                            ? "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                            : fromAlphabet("!~az09-{}", 1 + random.nextInt(40));
                default -> throw new AssertionError("the schema has a new pattern; teach the generator: " + pattern);
            };
        }

        private JsonNode integer(JsonNode schema) {
            BigInteger min =
                    schema.has("minimum") ? schema.get("minimum").bigIntegerValue() : BigInteger.valueOf(-1000);
            BigInteger max = schema.has("maximum") ? schema.get("maximum").bigIntegerValue() : BigInteger.valueOf(1000);
            BigInteger v = switch (random.nextInt(4)) {
                case 0 -> min;
                case 1 -> max;
                default ->
                    min.add(new BigInteger(max.subtract(min).bitLength(), random)
                            .mod(max.subtract(min).add(BigInteger.ONE)));
            };
            if (v.abs().bitLength() <= 52 && random.nextInt(4) == 0) {
                return F.numberNode(v.doubleValue()); // an integral number written as 1.0
            }
            return F.numberNode(v);
        }

        private double number(JsonNode schema) {
            double min = schema.has("minimum") ? schema.get("minimum").asDouble() : -1e6;
            return Math.max(min, 0) + random.nextDouble() * (random.nextBoolean() ? 1 : 1e9);
        }

        private JsonNode object(JsonNode schema, String name) {
            if (name.equals("content")) {
                return randomJson(1 + random.nextInt(5));
            }
            ObjectNode o = F.objectNode();
            JsonNode properties = schema.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                boolean required = false;
                for (JsonNode r : schema.path("required")) {
                    required |= r.asText().equals(p.getKey());
                }
                if (required || random.nextBoolean()) {
                    o.set(p.getKey(), value(p.getValue(), name + "." + p.getKey()));
                }
            }
            if (random.nextInt(5) == 0) {
                o.put("unknownInside", 1);
            }
            return o;
        }

        private ObjectNode randomJson(int depth) {
            ObjectNode o = F.objectNode();
            int fields = random.nextInt(4);
            for (int i = 0; i < fields; i++) {
                String key = "k" + random.nextInt(100);
                switch (random.nextInt(6)) {
                    case 0 -> o.put(key, randomText(random.nextInt(15)));
                    case 1 -> o.put(key, random.nextLong());
                    case 2 -> o.put(key, random.nextDouble() * 1e6);
                    case 3 -> o.put(key, random.nextBoolean());
                    case 4 -> {
                        ArrayNode a = o.putArray(key);
                        a.add(1).add("two").addNull();
                    }
                    default -> {
                        if (depth > 1) {
                            o.set(key, randomJson(depth - 1));
                        } else {
                            o.putNull(key);
                        }
                    }
                }
            }
            return o;
        }

        private String randomText(int length) {
            return fromAlphabet("ab \"\\\u00e9\u2603\n", length);
        }

        private String fromAlphabet(String alphabet, int length) {
            StringBuilder b = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return b.toString();
        }

        /**
         * One-rule breakages (and a few edits that stay valid) of a valid message, as JSON texts: for every field the
         * schema describes, the edge values of its kind, plus removing, nulling and retyping one field at random.
         */
        List<Case> mutations(ObjectNode valid) {
            List<Case> out = new ArrayList<>();
            String field = pickField(valid);
            out.add(edit(valid, "remove " + field, m -> m.remove(field)));
            out.add(edit(valid, field + " null", m -> m.putNull(field)));
            out.add(edit(valid, field + " wrong type", m -> m.set(field, wrongType(m.get(field)))));
            out.add(edit(
                    valid, field + " array", m -> m.set(field, F.arrayNode().add(m.get(field)))));
            if (property(field) != null) {
                out.add(edit(valid, field + " regenerated", m -> m.set(field, value(property(field), field))));
            }
            for (Map.Entry<String, JsonNode> leaf : LEAVES.entrySet()) {
                for (String raw : edges(leaf.getValue())) {
                    out.add(raw(valid, leaf.getKey() + "=" + raw, leaf.getKey(), raw));
                }
            }
            out.add(edit(
                    valid,
                    "trace without traceparent",
                    m -> m.putObject("trace").put("tracestate", "a=1")));
            out.add(edit(valid, "unknown top-level field", m -> m.put("x-extra", 1)));
            out.add(new Case("not an object", F.arrayNode().add(valid).toString()));
            return out;
        }

        /**
         * Every field the schema describes, nested ones as {@code metadata.cost}, with its (non-null) schema. Read when
         * the first generator is made, after the schema was loaded.
         */
        private static final Map<String, JsonNode> LEAVES = leaves(schemaDoc, "");

        private static Map<String, JsonNode> leaves(JsonNode objectSchema, String prefix) {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            objectSchema.get("properties").fields().forEachRemaining(p -> {
                JsonNode schema = nonNull(resolve(p.getValue()));
                if (schema.has("properties")) {
                    out.putAll(leaves(schema, prefix + p.getKey() + "."));
                } else {
                    out.put(prefix + p.getKey(), schema);
                }
            });
            return out;
        }

        /** A nullable field's non-null option. */
        private static JsonNode nonNull(JsonNode schema) {
            if (!schema.has("oneOf")) {
                return schema;
            }
            for (JsonNode option : schema.get("oneOf")) {
                JsonNode resolved = resolve(option);
                if (!"null".equals(resolved.path("type").asText())) {
                    return resolved;
                }
            }
            throw new AssertionError("no non-null option in " + schema);
        }

        /** Raw JSON values at and around the edges of what {@code schema} accepts. */
        private static List<String> edges(JsonNode schema) {
            if (schema.has("const")) {
                JsonNode c = schema.get("const");
                return List.of(c.toString(), c + ".0", c + "e0", "\"" + c.asText() + "\"", c.asText() + "1");
            }
            if (schema.has("enum")) {
                List<String> values = new ArrayList<>(List.of("\"\"", "\"request\"", "7"));
                schema.get("enum").forEach(v -> values.add(v.toString()));
                return values;
            }
            if (!schema.has("type") && schema.has("examples")) {
                List<String> values = new ArrayList<>(List.of("\"\"", "\"HIGH\"", "7", "{\"level\":3}", "[]", "true"));
                schema.get("examples").forEach(v -> values.add(v.toString()));
                return values;
            }
            List<String> types = new ArrayList<>();
            if (schema.path("type").isArray()) {
                schema.get("type").forEach(t -> types.add(t.asText()));
            } else {
                types.add(schema.path("type").asText());
            }
            if (types.contains("integer")) {
                return integerEdges(schema);
            }
            if (types.contains("number")) {
                return List.of(
                        "1e400", "-1", "1.5", "0", "-1e-300", "1e308", "\"1\"", "17976931348623157" + "0".repeat(292));
            }
            if (types.contains("object")) {
                return List.of("{}", "[]", "\"text\"", "{\"a\":{\"b\":[1,{\"c\":null}]}}");
            }
            if (types.contains("string") && schema.has("pattern")) {
                return switch (schema.get("pattern").asText()) {
                    case ID_PATTERN ->
                        quoted("", "a b", "t\n", "x".repeat(201), "x".repeat(200), "\u00e9", "t}", "a:b/c@d");
                    case AGENT_TYPE_PATTERN ->
                        quoted("Coder", "-a", "a".repeat(65), "a".repeat(64), STREAM_TYPE + "\n", "other", "c{d}");
                    case TRACEPARENT_PATTERN -> quoted("", " ", "a b", "\u00e9", "x\n", "00-abc-01", "\t", "~!");
                    default -> throw new AssertionError("no edges for pattern " + schema.get("pattern"));
                };
            }
            return List.of("\"\"", "\"x\"", "5", "true");
        }

        private static List<String> quoted(String... values) {
            List<String> out = new ArrayList<>();
            for (String v : values) {
                out.add(F.textNode(v).toString());
            }
            return out;
        }

        private String pickField(ObjectNode m) {
            List<String> names = new ArrayList<>();
            m.fieldNames().forEachRemaining(names::add);
            return names.get(random.nextInt(names.size()));
        }

        private static List<String> integerEdges(JsonNode schema) {
            List<String> edges = new ArrayList<>(List.of("1.5", "\"7\"", "true", "1e400", "7.0", "7.00e0", "70e-1"));
            for (String bound : List.of("minimum", "maximum")) {
                if (schema.has(bound)) {
                    BigInteger b = schema.get(bound).bigIntegerValue();
                    edges.add(b.toString());
                    edges.add(b.subtract(BigInteger.ONE).toString());
                    edges.add(b.add(BigInteger.ONE).toString());
                    edges.add(new BigDecimal(b).toString() + ".0");
                    edges.add(b.toString() + "e0");
                }
            }
            return edges;
        }

        private JsonNode wrongType(JsonNode current) {
            if (current == null || current.isNull()) {
                return F.booleanNode(true);
            }
            if (current.isTextual()) {
                return F.numberNode(random.nextInt(10));
            }
            if (current.isNumber()) {
                return F.textNode(current.asText());
            }
            return F.textNode("x");
        }

        private static Case edit(ObjectNode valid, String label, Consumer<ObjectNode> change) {
            ObjectNode m = valid.deepCopy();
            change.accept(m);
            return new Case(label, m.toString());
        }

        /** The message with the field at {@code path} ({@code metadata.cost}) set to the raw JSON text {@code raw}. */
        private static Case raw(ObjectNode valid, String label, String path, String raw) {
            ObjectNode m = valid.deepCopy();
            ObjectNode parent = m;
            String[] names = path.split("\\.");
            for (int i = 0; i < names.length - 1; i++) {
                JsonNode child = parent.get(names[i]);
                parent = child instanceof ObjectNode o ? o : parent.putObject(names[i]);
            }
            if (path.startsWith("trace.") && !names[1].equals("traceparent")) {
                parent.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
            }
            parent.put(names[names.length - 1], "@@RAW@@");
            return new Case(label, m.toString().replace("\"@@RAW@@\"", raw));
        }
    }
}
