package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageCodec#decodeTask}, which leaves the content as text until it is read, accepts and rejects exactly what
 * {@link MessageCodec#decode(byte[])} does, with the same message; and {@link MessageCodec#encodeDecodable}, which
 * skips re-reading plain outcomes, throws exactly when {@link MessageCodec#requireDecodable} would.
 */
class TaskDecodingAgreesTest {
    private final MessageCodec codec = new MessageCodec(new MessageLimits(4096, 8));

    private static final String HEAD =
            "{\"schemaVersion\":1,\"messageId\":\"m\",\"type\":\"REQUEST\",\"taskId\":\"t\",\"recipient\":\"a\","
                    + "\"createdAt\":1,";

    @Test
    void lazilyReadContentDecodesLikeTheWholeTree() {
        List<String> inputs = List.of(
                HEAD + "\"content\":{\"input\":\"h\\u00e9llo \\\"q\\\"\",\"n\":[1,2.5,{\"x\":null}],\"b\":true}}",
                HEAD + "\"content\":{}, \"priority\":{\"level\":3},\"x-n\":7}",
                "{\"x-first\":null," + HEAD.substring(1) + "\"content\":{}}",
                HEAD + "\"content\":{\"a\":1},\"content\":{\"b\":2}}",
                HEAD + "\"content\":5,\"content\":{\"b\":2}}",
                HEAD + "\"content\":{\"b\":2},\"content\":5}",
                HEAD + "\"content\":[1]}",
                HEAD + "\"content\":null}",
                HEAD + "\"content\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{}}}}}}}}}",
                HEAD + "\"content\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{}}}}}}}}",
                HEAD + "\"content\":{\"big\":1" + "0".repeat(1200) + "}}",
                HEAD + "\"content\":{\"big\":123456789012345678901234567890}, \"attempt\":2.0}",
                HEAD + "\"content\":{\"a\":1}} trailing",
                HEAD + "\"content\":{\"a\":1",
                HEAD + "\"content\":{\"a\" 1}}",
                HEAD + "\"content\":{\"a\":1},\"attempt\":\"2\"}",
                HEAD + "\"content\":{\"a\":1},\"attempt\":12345678901}",
                HEAD + "\"content\":{\"a\":1},\"deadline\":1e3}",
                "[1,2]",
                "[1,",
                "",
                "nonsense");
        for (String input : inputs) {
            assertSameOutcome(input.getBytes(StandardCharsets.UTF_8), input);
        }
    }

    @Test
    void malformedUtf8InsideAContentStringIsRejectedAlike() {
        byte[] prefix = (HEAD + "\"content\":{\"s\":\"ab").getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\"}}".getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xE2, 0x28, (byte) 0xA1})) {
            byte[] input = new byte[prefix.length + bad.length + suffix.length];
            System.arraycopy(prefix, 0, input, 0, prefix.length);
            System.arraycopy(bad, 0, input, prefix.length, bad.length);
            System.arraycopy(suffix, 0, input, prefix.length + bad.length, suffix.length);
            assertSameOutcome(input, "invalid UTF-8");
        }
    }

    @Test
    void lazilyReadContentCanBeChangedAndPassedOnLikeAnyOther() {
        byte[] json = (HEAD + "\"content\":{\"input\":\"x\"}}").getBytes(StandardCharsets.UTF_8);
        AgentMessage task = codec.decodeTask(json, "a");
        task.content().put("added", 1);
        AgentMessage read = codec.decode(codec.encodeUtf8(task.nextAttempt()));
        assertEquals(JsonNodeFactory.instance.objectNode().put("input", "x").put("added", 1), read.content());
    }

    @Test
    void outcomesCheckedWithoutRereadingFailExactlyWhenRereadingFails() {
        List<ObjectNode> outputs = new ArrayList<>();
        outputs.add(JsonNodeFactory.instance.objectNode().put("ok", true));
        outputs.add(JsonNodeFactory.instance.objectNode().put("lone", "\ud800 and \udc00"));
        outputs.add(nested(5));
        outputs.add(nested(6));
        outputs.add(nested(7));
        outputs.add(JsonNodeFactory.instance.objectNode().put("big", new BigDecimal("1" + "0".repeat(1100))));
        outputs.add(JsonNodeFactory.instance.objectNode().put("long", "x".repeat(5000)));
        AgentMessage task =
                AgentMessage.request("a", JsonNodeFactory.instance.objectNode()).build();
        for (ObjectNode output : outputs) {
            AgentMessage answer = task.resultOf("a", output, Metadata.EMPTY);
            byte[] plain = codec.encodeUtf8(answer);
            String expected = outcomeOf(() -> codec.requireDecodable(answer, plain));
            String actual = outcomeOf(() -> assertArrayEquals(plain, codec.encodeDecodable(answer)));
            assertEquals(expected, actual, output.toString());
            if (expected.equals("ok")) {
                assertEquals(output, codec.decode(plain).content());
            }
        }
    }

    private static ObjectNode nested(int depth) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode node = root;
        for (int i = 1; i < depth; i++) {
            node = node.putObject("n");
        }
        return root;
    }

    private void assertSameOutcome(byte[] input, String label) {
        String eager = outcomeOf(() -> check(codec.decode(input)));
        String lazy = outcomeOf(() -> check(codec.decodeTask(input, "a")));
        assertEquals(eager, lazy, label);
        if (eager.startsWith("ok")) {
            assertEquals(codec.decode(input), codec.decodeTask(input, "a"), label);
        }
    }

    private static void check(AgentMessage message) {
        message.content().size();
    }

    private static String outcomeOf(Runnable step) {
        try {
            step.run();
            return "ok";
        } catch (InvalidMessageException e) {
            return "invalid: " + e.getMessage();
        }
    }
}
