package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    private final MessageCodec codec = new MessageCodec();

    @Test
    void requestRoundTripsWithEveryField() {
        ObjectNode content = JsonNodeFactory.instance.objectNode().put("input", "hello");
        AgentMessage message = AgentMessage.request("coder", content)
                .runId("run-1")
                .sender("tests")
                .maxAttempts(3)
                .deadline(1_900_000_000_000L)
                .metadata(new Metadata(1L, 2L, 0.5, "m", 10L, 0.9))
                .trace(new TraceContext("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null))
                .build();
        assertEquals(message, codec.decode(codec.encode(message)));
    }

    @Test
    void unknownFieldsArePreservedWhenPassedOn() {
        String json =
                "{\"schemaVersion\":1,\"messageId\":\"m\",\"type\":\"REQUEST\",\"taskId\":\"t\",\"recipient\":\"a\","
                        + "\"createdAt\":1,\"content\":{},\"priority\":{\"level\":3}}";
        AgentMessage decoded = codec.decode(json);
        assertEquals(3, decoded.extensions().get("priority").get("level").asInt());
        assertTrue(codec.encode(decoded.nextAttempt()).contains("\"priority\":{\"level\":3}"));
    }

    @Test
    void answersKeepTheTasksUnknownFields() {
        String json =
                "{\"schemaVersion\":1,\"messageId\":\"m\",\"type\":\"REQUEST\",\"taskId\":\"t\",\"recipient\":\"a\","
                        + "\"createdAt\":1,\"content\":{},\"priority\":{\"level\":3},\"x-team\":\"blue\","
                        + "\"metadata\":{\"model\":\"m\",\"x-inside\":1}}";
        AgentMessage task = codec.decode(json);
        assertFalse(codec.encode(task).contains("x-inside"), "unknown fields inside metadata are dropped");
        AgentMessage result = task.resultOf("a", JsonNodeFactory.instance.objectNode(), Metadata.EMPTY);
        AgentMessage error = task.errorOf(
                "a", ErrorContent.deadLettered(DeadLetterReason.NON_RETRYABLE_FAILURE, Failure.permanent("E", "no")));
        for (AgentMessage answer : List.of(result, error)) {
            AgentMessage read = codec.decode(codec.encode(answer));
            assertEquals(task.extensions(), read.extensions(), answer.type().name());
        }
    }

    @Test
    void integralNumbersWithAFractionAreIntegers() {
        String json = "{\"schemaVersion\":1.0,\"messageId\":\"m\",\"type\":\"REQUEST\",\"taskId\":\"t\","
                + "\"recipient\":\"a\",\"attempt\":2.0,\"createdAt\":1796452056282.0,\"deadline\":1.8e12,"
                + "\"content\":{}}";
        AgentMessage decoded = codec.decode(json);
        assertEquals(2, decoded.attempt());
        assertEquals(1_796_452_056_282L, decoded.createdAt());
        assertEquals(1_800_000_000_000L, decoded.deadline());
        for (String bad : List.of("1.5", "9007199254740992", "-9007199254740992", "1e400", "9223372036854775808")) {
            InvalidMessageException e = assertThrows(
                    InvalidMessageException.class, () -> codec.decode(json.replace("1796452056282.0", bad)), bad);
            assertEquals("createdAt", e.field(), bad);
        }
    }

    @Test
    void aTaskStreamAcceptsOnlyRequestsForItsAgentType() {
        AgentMessage task = AgentMessage.request("coder", JsonNodeFactory.instance.objectNode())
                .build();
        byte[] request = codec.encodeUtf8(task);
        assertEquals(task, codec.decodeTask(request, "coder"));
        assertEquals(
                "recipient",
                assertThrows(InvalidMessageException.class, () -> codec.decodeTask(request, "reviewer"))
                        .field());
        byte[] result = codec.encodeUtf8(task.resultOf("coder", JsonNodeFactory.instance.objectNode(), null));
        assertEquals(
                "type",
                assertThrows(InvalidMessageException.class, () -> codec.decodeTask(result, "coder"))
                        .field());
    }

    @Test
    void idsArePeekedFromOversizeAndOverDeepMessagesWithoutParsingThem() {
        MessageCodec small = new MessageCodec(new MessageLimits(2048, 8));
        String head = "{\"schemaVersion\":1,\"messageId\":\"m\",\"type\":\"REQUEST\",\"recipient\":\"a\",";
        String oversize = head + "\"content\":{\"x\":\"" + "y\\\"".repeat(2000)
                + "\"},\"taskId\":\"t-big\",\"runId\":\"r-1\",\"tenant\":\"team-a\"}";
        String overDeep = head + "\"content\":" + "{\"a\":[".repeat(500) + "1" + "]}".repeat(500)
                + ",\"ta\\u0073kId\":\"t-deep\"}";
        assertThrows(InvalidMessageException.class, () -> small.decode(oversize));
        assertThrows(InvalidMessageException.class, () -> small.decode(overDeep));
        assertEquals(Optional.of(new MessageCodec.PeekedIds("t-big", "r-1", "team-a")), small.peekIds(utf8(oversize)));
        assertEquals(Optional.of(new MessageCodec.PeekedIds("t-deep", null, null)), small.peekIds(utf8(overDeep)));
        String beyondTheScan = head + "\"content\":{\"x\":\"" + "y".repeat(2048 * MessageCodec.PEEK_SCAN_FACTOR)
                + "\"},\"taskId\":\"t-far\"}";
        assertEquals(Optional.empty(), small.peekIds(utf8(beyondTheScan)), "the scan is bounded");
        assertEquals(Optional.empty(), small.peekIds(utf8("{\"taskId\":\"bad id\"}")));
        assertEquals(Optional.empty(), small.peekIds(utf8("{\"content\":{\"taskId\":\"nested\"}}")));
        assertEquals(
                Optional.of(new MessageCodec.PeekedIds("t-1", null, null)),
                small.peekIds(utf8("{\"runId\":\"bad run\",\"taskId\":\"t-1\",\"content\":[[[")),
                "a cut-off text keeps what came before the cut");
        assertEquals(Optional.empty(), small.peekIds(utf8("not json")));
    }

    @Test
    void peekingNeverThrowsOnCutOrCorruptedText() {
        String json = "{\"schemaVersion\":1,\"content\":{\"s\":\"a\\\"b\\u00e9\u2603\",\"n\":[1,-2.5e3,true,null,{}]},"
                + "\"runId\":\"r-1\",\"taskId\":\"t-1\"}";
        byte[] utf8 = utf8(json);
        assertEquals(Optional.of(new MessageCodec.PeekedIds("t-1", "r-1", null)), codec.peekIds(utf8));
        Random random = new Random(7);
        for (int cut = 0; cut <= utf8.length; cut++) {
            byte[] prefix = Arrays.copyOf(utf8, cut);
            codec.peekIds(prefix);
            byte[] corrupted = utf8.clone();
            corrupted[random.nextInt(corrupted.length)] = (byte) random.nextInt(256);
            codec.peekIds(corrupted);
        }
    }

    @Test
    void requireDecodableOnBytesRejectsWhatDecodeRejects() {
        MessageCodec strict = new MessageCodec(new MessageLimits(4096, 8));
        AgentMessage big = AgentMessage.request(
                        "coder", JsonNodeFactory.instance.objectNode().put("input", "y".repeat(5000)))
                .build();
        ObjectNode deep = JsonNodeFactory.instance.objectNode();
        ObjectNode level = deep;
        for (int i = 0; i < 10; i++) {
            level = level.putObject("a");
        }
        AgentMessage tooDeep = AgentMessage.request("coder", deep).build();
        for (AgentMessage message : List.of(big, tooDeep)) {
            byte[] utf8 = strict.encodeUtf8(message);
            InvalidMessageException expected = assertThrows(InvalidMessageException.class, () -> strict.decode(utf8));
            InvalidMessageException actual =
                    assertThrows(InvalidMessageException.class, () -> strict.requireDecodable(message, utf8));
            assertEquals(expected.getMessage(), actual.getMessage());
        }
        AgentMessage fine = AgentMessage.request("coder", JsonNodeFactory.instance.objectNode())
                .build();
        strict.requireDecodable(fine, strict.encodeUtf8(fine));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void malformedJsonNamesTheLocation() {
        InvalidMessageException e =
                assertThrows(InvalidMessageException.class, () -> codec.decode("{\"schemaVersion\":1,"));
        assertEquals("$", e.field());
        assertTrue(e.reason().startsWith("malformed JSON"), e.reason());
    }

    @Test
    void nestingBeyondTheLimitIsRejected() {
        String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> codec.decode(deep));
        assertTrue(e.reason().contains("exceeds limits"), e.reason());
    }

    @Test
    void messageOverTheSizeLimitIsRejectedBeforeParsing() {
        MessageCodec small = new MessageCodec(new MessageLimits(2048, 16));
        String big = "{\"schemaVersion\":1,\"content\":{\"x\":\"" + "y".repeat(4096) + "\"}}";
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> small.decode(big));
        assertTrue(e.reason().contains("larger than the limit of 2048 bytes"), e.reason());
    }

    @Test
    void wrongFieldTypeNamesTheField() {
        String json = "{\"schemaVersion\":1,\"messageId\":\"m\",\"type\":\"REQUEST\",\"taskId\":7,\"recipient\":\"a\","
                + "\"createdAt\":1,\"content\":{}}";
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> codec.decode(json));
        assertEquals("taskId", e.field());
    }

    @Test
    void taskIdCanBePeekedFromAnInvalidMessage() {
        assertEquals(Optional.of("t-9"), codec.peekTaskId("{\"schemaVersion\":99,\"taskId\":\"t-9\"}"));
        assertEquals(Optional.empty(), codec.peekTaskId("not json"));
    }

    @Test
    void errorOutcomeCarriesReasonAndFailure() {
        AgentMessage task = AgentMessage.request("coder", JsonNodeFactory.instance.objectNode())
                .build();
        AgentMessage error = task.errorOf(
                "w1",
                ErrorContent.deadLettered(
                        DeadLetterReason.NON_RETRYABLE_FAILURE, Failure.permanent("BOOM", "it broke")));
        assertEquals(MessageType.ERROR, error.type());
        assertEquals(task.taskId(), error.taskId());
        assertEquals("NON_RETRYABLE_FAILURE", error.content().get("reason").asText());
        assertEquals("BOOM", error.content().get("error").get("type").asText());
    }

    @Test
    void utf8EncodingIsTheTextEncodingsBytes() {
        ObjectNode content = JsonNodeFactory.instance
                .objectNode()
                .put("input", "caf\u00e9 \"quoted\" \\ tab\t line\n \u2603 \ud83d\ude80 \u0001")
                .put("n", 42);
        content.putArray("list").add(1.5).add(true).addNull();
        AgentMessage message = AgentMessage.request("coder", content)
                .runId("run-1")
                .extensions(Map.of("priority", JsonNodeFactory.instance.numberNode(5)))
                .build();
        assertArrayEquals(codec.encode(message).getBytes(StandardCharsets.UTF_8), codec.encodeUtf8(message));
        assertEquals(message, codec.decode(codec.encodeUtf8(message)));
    }

    @Test
    void decodingBytesAppliesTheSameLimitsAndNamesTheProblem() {
        MessageCodec strict = new MessageCodec(new MessageLimits(4096, 8));
        ObjectNode deep = JsonNodeFactory.instance.objectNode();
        ObjectNode level = deep;
        for (int i = 0; i < 10; i++) {
            level = level.putObject("a");
        }
        String tooDeep = strict.encode(AgentMessage.request("coder", deep).build());
        String tooBig = strict.encode(AgentMessage.request(
                        "coder", JsonNodeFactory.instance.objectNode().put("input", "y".repeat(5000)))
                .build());
        for (String json : List.of(tooDeep, tooBig, "{\"schemaVersion\": 1,", "[1]")) {
            InvalidMessageException fromText = assertThrows(InvalidMessageException.class, () -> strict.decode(json));
            InvalidMessageException fromBytes = assertThrows(
                    InvalidMessageException.class, () -> strict.decode(json.getBytes(StandardCharsets.UTF_8)));
            assertEquals(fromText.getMessage(), fromBytes.getMessage(), json);
        }
        byte[] notUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'};
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> strict.decode(notUtf8));
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
    }

    @Test
    void requireDecodableAgreesWithDecode() {
        MessageCodec strict = new MessageCodec(new MessageLimits(4096, 8));
        ObjectNode deep = JsonNodeFactory.instance.objectNode();
        ObjectNode level = deep;
        for (int i = 0; i < 10; i++) {
            level = level.putObject("a");
        }
        ObjectNode plain = JsonNodeFactory.instance.objectNode().put("input", "hello");
        List<AgentMessage> messages = List.of(
                AgentMessage.request("coder", plain).build(),
                AgentMessage.request("coder", deep).build(),
                AgentMessage.request(
                                "coder", JsonNodeFactory.instance.objectNode().put("input", "y".repeat(5000)))
                        .build(),
                // An extension named like a known field and a non-finite number decode differently from the record.
                AgentMessage.request("coder", plain)
                        .extensions(Map.of("taskId", JsonNodeFactory.instance.numberNode(5)))
                        .build(),
                AgentMessage.request("coder", plain)
                        .extensions(Map.of("priority", JsonNodeFactory.instance.numberNode(5)))
                        .build(),
                AgentMessage.request("coder", plain)
                        .metadata(new Metadata(null, null, null, null, null, Double.NaN))
                        .build());
        for (AgentMessage message : messages) {
            String json = strict.encode(message);
            InvalidMessageException expected = null;
            try {
                strict.decode(json);
            } catch (InvalidMessageException e) {
                expected = e;
            }
            InvalidMessageException actual = null;
            try {
                strict.requireDecodable(message, json);
            } catch (InvalidMessageException e) {
                actual = e;
            }
            assertEquals(expected == null, actual == null, json);
            if (expected != null) {
                assertEquals(expected.getMessage(), actual.getMessage(), json);
            }
        }
    }

    @Test
    void contentIsWrittenExactlyAsTheMapperWritesIt() throws Exception {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode content = f.objectNode();
        content.put("text", "quote \" backslash \\ tab \t unicode \u00e9 \ud83d\ude00 control \u0001");
        content.put("int", 7)
                .put("negative", -3)
                .put("long", 9_000_000_000L)
                .put("double", 1.5)
                .put("float", 2.5f)
                .put("big", new java.math.BigDecimal("1E+3"))
                .put("bigint", new java.math.BigInteger("123456789012345678901234567890"))
                .put("yes", true)
                .put("no", false)
                .putNull("nothing")
                .put("nan", Double.NaN)
                .put("bytes", new byte[] {1, 2, 3});
        content.putArray("empty");
        content.putObject("emptyObject");
        content.putArray("mixed")
                .add(1)
                .add("two")
                .addNull()
                .add(3.0)
                .add(f.arrayNode().add(f.objectNode().put("deep", 1)));
        content.putPOJO("pojo", List.of("a", 1));
        content.set("nullText", f.textNode(null));
        AgentMessage message = AgentMessage.request("coder", content).build();
        String json = codec.encode(message);
        String expected = "\"content\":" + codec.mapper().writeValueAsString(content) + ",";
        assertTrue(json.contains(expected), json);
    }
}
