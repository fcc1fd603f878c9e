package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PlainTaskScanner} reads a task exactly as the Jackson envelope parse does, or declines: over valid tasks and
 * tens of thousands of random corruptions of them, {@link EnvelopeParser#parse} (scanner first) and {@link
 * EnvelopeParser#parseWithJackson} give the same message or the same error.
 */
class PlainTaskScannerTest {
    private final MessageCodec codec = new MessageCodec(new MessageLimits(8192, 8));

    private static final List<String> TASKS = List.of(
            "{\"schemaVersion\":1,\"messageId\":\"01HM\",\"type\":\"REQUEST\",\"taskId\":\"t-1\",\"sender\":\"bench\","
                    + "\"recipient\":\"bench\",\"attempt\":1,\"maxAttempts\":0,\"content\":{\"input\":\""
                    + "x".repeat(300) + "\"},\"createdAt\":1700000000000}",
            " {\n \"schemaVersion\" : 1 ,\t\"messageId\":\"m\",\"type\":\"REQUEST\",\"taskId\":\"a.b:c/d@e-f_g\","
                    + "\"runId\":\"r\",\"parentMessageId\":null,\"recipient\":\"coder\",\"attempt\":2147483648,"
                    + "\"deadline\":9007199254740991,\"replyTo\":\"x y\",\"tenant\":\"acme\",\"metadata\":null,"
                    + "\"trace\":null,\"content\":{\"a\":[1,-2.5e+3,0,-0,1E5,true,false,null,\"\\u00e9\\n\\\"\\/\"],"
                    + "\"o\":{\"p\":{\"q\":{}}},\"e\":[],\"s\":\"\"},\"createdAt\":1} \r\n",
            "{\"schemaVersion\":1,\"messageId\":\"m\",\"type\":\"RESULT\",\"taskId\":\"t\",\"recipient\":\"a\","
                    + "\"createdAt\":1,\"content\":{\"k\":{\"l\":{\"m\":{\"n\":{\"o\":{}}}}}}}",
            "{\"schemaVersion\":1,\"messageId\":\"m\",\"type\":\"REQUEST\",\"taskId\":\"t\",\"recipient\":\"a\","
                    + "\"priority\":\"HIGH\",\"createdAt\":1,\"content\":{\"k\":\"v\"}}",
            "{\"schemaVersion\":1,\"messageId\":\"m\",\"type\":\"REQUEST\",\"taskId\":\"t\",\"recipient\":\"a\","
                    + "\"createdAt\":1,\"content\":{},\"priority\":\"URGENT\"}",
            "{}",
            "{\"schemaVersion\":1,\"messageId\":\"m\",\"type\":\"REQUEST\",\"taskId\":\"t\",\"recipient\":\"a\","
                    + "\"createdAt\":1,\"attempt\":true,\"content\":{}}");

    @Test
    void readsThePlainTasksItself() {
        for (int t = 0; t < 5; t++) {
            assertNotNull(
                    PlainTaskScanner.scan(codec.mapper(), TASKS.get(t).getBytes(StandardCharsets.UTF_8)), TASKS.get(t));
        }
    }

    @Test
    void declinesWhatItDoesNotCover() {
        String head =
                "{\"schemaVersion\":1,\"messageId\":\"m\",\"type\":\"REQUEST\",\"taskId\":\"t\",\"recipient\":\"a\","
                        + "\"createdAt\":1,";
        for (String tail : List.of(
                "\"content\":{\"s\":\"\u00e9\"}}",
                "\"content\":{},\"priority\":{\"level\":3}}",
                "\"content\":{},\"priority\":\"HIGH\",\"priority\":\"LOW\"}",
                "\"content\":{},\"x-ext\":1}",
                "\"content\":{},\"attempt\":1,\"attempt\":2}",
                "\"content\":{},\"metadata\":{\"latencyMs\":1}}",
                "\"content\":{},\"sender\":\"a\\\"b\"}",
                "\"content\":{},\"attempt\":-1}",
                "\"content\":{},\"attempt\":1.0}",
                "\"content\":{},\"attempt\":01}",
                "\"content\":{\"n\":01}}",
                "\"content\":{\"n\":1.}}",
                "\"content\":{\"n\":tru}}",
                "\"content\":{\"s\":\"\\x\"}}",
                "\"content\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{}}}}}}}}",
                "\"content\":{}} trailing",
                "\"content\":{},}",
                "\"content\":[]}",
                "\"content\":{}")) {
            assertNull(PlainTaskScanner.scan(codec.mapper(), (head + tail).getBytes(StandardCharsets.UTF_8)), tail);
        }
    }

    @Test
    void agreesWithJacksonOnCorruptedTasks() throws IOException {
        Random random = new Random(20261206L);
        byte[] alphabet = "{}[]\":,\\ 019aeEfnrtu-+.\t\n/".getBytes(StandardCharsets.US_ASCII);
        byte[] odd = {0, 0x1f, 0x7f, (byte) 0xc3, (byte) 0xa9, (byte) 0xff};
        int scanned = 0;
        int cases = 0;
        for (String task : TASKS) {
            byte[] original = task.getBytes(StandardCharsets.UTF_8);
            for (int n = 0; n < 8_000; n++) {
                byte[] input = mutate(original, random, alphabet, odd);
                cases++;
                if (PlainTaskScanner.scan(codec.mapper(), input) != null) {
                    scanned++;
                }
                assertEquals(
                        outcome(input, false), outcome(input, true), () -> new String(input, StandardCharsets.UTF_8));
            }
        }
        // Most corruptions are declined; enough must be read by the scanner for this to test it.
        assertTrue(scanned > cases / 50, "scanned " + scanned + " of " + cases);
    }

    private static byte[] mutate(byte[] original, Random random, byte[] alphabet, byte[] odd) {
        byte[] out = original.clone();
        int edits = 1 + random.nextInt(2);
        for (int e = 0; e < edits && out.length > 0; e++) {
            int at = random.nextInt(out.length);
            byte b = random.nextInt(8) == 0
                    ? odd[random.nextInt(odd.length)]
                    : alphabet[random.nextInt(alphabet.length)];
            switch (random.nextInt(4)) {
                case 0 -> out[at] = b;
                case 1 -> {
                    byte[] shorter = new byte[out.length - 1];
                    System.arraycopy(out, 0, shorter, 0, at);
                    System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
                    out = shorter;
                }
                case 2 -> {
                    byte[] longer = new byte[out.length + 1];
                    System.arraycopy(out, 0, longer, 0, at);
                    longer[at] = b;
                    System.arraycopy(out, at, longer, at + 1, out.length - at);
                    out = longer;
                }
                default -> out = Arrays.copyOf(out, at);
            }
        }
        return out;
    }

    /** The message decoded (re-encoded, content included) or the error, through either envelope parse. */
    private String outcome(byte[] utf8, boolean scannerFirst) {
        try {
            EnvelopeParser.Envelope envelope = scannerFirst
                    ? EnvelopeParser.parse(codec.mapper(), utf8)
                    : EnvelopeParser.parseWithJackson(codec.mapper(), utf8);
            if (!envelope.tree().isObject()) {
                return "not an object";
            }
            AgentMessage message = MessageFields.toMessage((ObjectNode) envelope.tree(), envelope.unknownFields());
            return "message " + codec.encode(message);
        } catch (IOException | RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }
}
