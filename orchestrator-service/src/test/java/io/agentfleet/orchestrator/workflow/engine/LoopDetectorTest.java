package io.agentfleet.orchestrator.workflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fingerprint that decides whether a dispatch repeats one the run already made. */
class LoopDetectorTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static ObjectNode json(String text) throws Exception {
        return (ObjectNode) MAPPER.readTree(text);
    }

    @Test
    void theSameContentInAnotherKeyOrderOrRevisionHasTheSameFingerprint() throws Exception {
        String first = LoopDetector.fingerprint("echo", json("{\"input\":{\"a\":1,\"b\":[2,\"x\"]},\"revision\":0}"));
        String again = LoopDetector.fingerprint("echo", json("{\"revision\":3,\"input\":{\"b\":[2,\"x\"],\"a\":1}}"));
        assertEquals(first, again);
        assertEquals(32, first.length());
    }

    @Test
    void anotherAgentOrOtherContentHasAnotherFingerprint() throws Exception {
        ObjectNode content = json("{\"input\":{\"a\":1}}");
        assertNotEquals(LoopDetector.fingerprint("echo", content), LoopDetector.fingerprint("other", content));
        assertNotEquals(
                LoopDetector.fingerprint("echo", content),
                LoopDetector.fingerprint("echo", json("{\"input\":{\"a\":2}}")));
        assertNotEquals(
                LoopDetector.fingerprint("echo", content),
                LoopDetector.fingerprint("echo", json("{\"input\":{\"a\":1},\"answer\":\"yes\"}")));
    }

    @Test
    void knownCanonicalFormsGiveTheSameFingerprintAsWalkingTheContent() throws Exception {
        ObjectNode content = json("{\"input\":{\"z\":1,\"a\":{\"q\":\"\\\"\"}},\"context\":{}}");
        var input = content.get("input");
        assertEquals(
                LoopDetector.fingerprint("echo", content),
                LoopDetector.fingerprint("echo", content, Map.of(input, LoopDetector.canonical(input))));
        assertEquals("{\"a\":{\"q\":\"\\\"\",},\"z\":1,}", LoopDetector.canonical(input));
    }
}
