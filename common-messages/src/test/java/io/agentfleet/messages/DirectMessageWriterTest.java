package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link DirectMessageWriter} writes exactly the bytes of the codec's Jackson path, or declines. */
class DirectMessageWriterTest {
    private final MessageCodec codec = new MessageCodec();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void writesTheBytesOfTheJacksonPathForEveryCoveredShape() throws IOException {
        List<AgentMessage> messages = new ArrayList<>();
        messages.add(base(NODES.objectNode().put("ok", true)).build());
        messages.add(base(everyNodeKind())
                .runId("run-1")
                .parentMessageId("parent \"quoted\" \\ \u00e9 \u20ac \n\t\u0001\u001f\u007f")
                .sender("sender/with:odd@chars")
                .replyTo("reply\u2028to")
                .deadline(9_007_199_254_740_991L)
                .maxAttempts(3)
                .attempt(2)
                .tenant("tenant-a")
                .priority(Priority.HIGH)
                .metadata(new Metadata(10L, 20L, null, "model \"x\" \u00fc", 5L, null))
                .trace(new TraceContext("00-abc-def-01", "k=v,\u00e9=\"1\""))
                .type(MessageType.RESULT)
                .build());
        messages.add(base(NODES.objectNode())
                .metadata(Metadata.EMPTY.withLatencyMs(0))
                .trace(new TraceContext("00-abc-def-01", null))
                .build());
        messages.add(base(NODES.objectNode().put("n", -1))
                .metadata(new Metadata(null, 7L, null, null, null, null))
                .build());
        messages.add(base(NODES.objectNode().put("m", "x"))
                .metadata(new Metadata(null, null, null, "m", null, null))
                .build());
        ObjectNode allChars = NODES.objectNode();
        StringBuilder text = new StringBuilder();
        for (char c = 0; c < 0x900; c++) {
            text.append(c);
        }
        text.append("\uffff\ufffd\ue000\u4e2d");
        allChars.put(text.toString(), text.toString());
        messages.add(base(allChars).build());
        messages.add(base(nested(62)).build());

        for (AgentMessage message : messages) {
            byte[] direct = new DirectMessageWriter(64).write(message);
            assertNotNull(direct, message::toString);
            assertArrayEquals(jackson(message), direct, () -> new String(direct, StandardCharsets.UTF_8));
            assertArrayEquals(jackson(message), codec.encodeUtf8(message));
            assertArrayEquals(jackson(message), codec.encodeDecodable(message));
            assertEquals(message.taskId(), codec.decode(direct).taskId());
        }
    }

    @Test
    void declinesWhatOnlyTheJacksonPathCovers() throws IOException {
        List<AgentMessage> declined = List.of(
                base(NODES.objectNode().put("d", 1.5)).build(),
                base(NODES.objectNode().putNull("n")).build(),
                base(NODES.objectNode().put("big", new BigInteger("123456789012345678901234567890")))
                        .build(),
                base(NODES.objectNode().put("s", "pair \ud83d\ude00")).build(),
                base(NODES.objectNode().put("s", "lone \ud83d")).build(),
                base(NODES.objectNode())
                        .metadata(new Metadata(null, null, 0.25, null, null, null))
                        .build(),
                base(NODES.objectNode())
                        .metadata(new Metadata(null, null, null, null, null, 0.5))
                        .build(),
                base(NODES.objectNode())
                        .extensions(Map.of("x-ext", NODES.textNode("v")))
                        .build(),
                base(nested(64)).build());
        for (AgentMessage message : declined) {
            assertNull(new DirectMessageWriter(64).write(message), message::toString);
        }
        AgentMessage pair = declined.get(3);
        assertArrayEquals(jackson(pair), codec.encodeUtf8(pair));
    }

    @Test
    void anOutcomeTooDeepForReadersIsStillRejectedAsBefore() {
        MessageCodec shallow = new MessageCodec(new MessageLimits(4096, 4));
        AgentMessage deep = base(nested(6)).build();
        InvalidMessageException viaCodec =
                assertThrows(InvalidMessageException.class, () -> shallow.encodeDecodable(deep));
        InvalidMessageException viaDecode =
                assertThrows(InvalidMessageException.class, () -> shallow.decode(shallow.encode(deep)));
        assertEquals(viaDecode.getMessage(), viaCodec.getMessage());
    }

    /** Objects nested so that the deepest reaches {@code depth} when the content is at depth 2. */
    private static ObjectNode nested(int depth) {
        ObjectNode root = NODES.objectNode();
        ObjectNode at = root;
        for (int d = 3; d <= depth; d++) {
            at = at.putObject("k" + d);
        }
        return root;
    }

    private static ObjectNode everyNodeKind() {
        ObjectNode content = NODES.objectNode();
        content.put("s", "plain");
        content.put("empty", "");
        content.put("t", true).put("f", false);
        content.put("i", Integer.MIN_VALUE).put("j", Integer.MAX_VALUE).put("zero", 0);
        content.put("l", Long.MIN_VALUE).put("m", Long.MAX_VALUE);
        content.putArray("arr").add(1).add("two").add(true).addArray().addObject();
        content.putArray("none");
        content.putObject("obj").putObject("inner").put("x", "y");
        return content;
    }

    private static AgentMessage.Builder base(ObjectNode content) {
        return new AgentMessage.Builder()
                .messageId("01HMSGID")
                .type(MessageType.REQUEST)
                .taskId("task-1")
                .recipient("bench")
                .content(content)
                .createdAt(1_700_000_000_000L);
    }

    private byte[] jackson(AgentMessage message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = codec.mapper().createGenerator(out, JsonEncoding.UTF8)) {
            new MessageWriter(codec.mapper()).write(gen, message);
        }
        return out.toByteArray();
    }
}
