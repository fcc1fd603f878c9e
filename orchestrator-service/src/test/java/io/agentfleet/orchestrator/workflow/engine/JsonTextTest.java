package io.agentfleet.orchestrator.workflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTextTest {
    private static final String AWKWARD =
            "quote \" backslash \\ slash / newline \n tab \t nul \u0000 bell \u0007 del \u007f"
                    + " é 日本 emoji \uD83D\uDE00 lone surrogate \uD800 line separator \u2028 <script>";

    @Test
    void writesTreesExactlyAsToStringDoes() throws Exception {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put("text", AWKWARD);
        tree.put(AWKWARD, "awkward key");
        tree.put("int", -7);
        tree.put("long", Long.MAX_VALUE);
        tree.put("double", 0.1);
        tree.put("decimal", new BigDecimal("1.50"));
        tree.put("bool", true);
        tree.putNull("null");
        tree.putArray("empty");
        tree.putObject("nested")
                .putArray("list")
                .add(1)
                .add("two")
                .addNull()
                .addObject()
                .put("deep", false);
        JsonNode parsed = new ObjectMapper().readTree("{\"a\":[1.5e300,-0,\"x\"],\"b\":{\"c\":null}}");
        for (JsonNode node : List.of(
                tree,
                parsed,
                JsonNodeFactory.instance.textNode(AWKWARD),
                JsonNodeFactory.instance.numberNode(3),
                JsonNodeFactory.instance.nullNode())) {
            assertEquals(node.toString(), JsonText.of(node));
        }
    }

    @Test
    void quotesStringsExactlyAsTextNodesDo() {
        for (String s :
                List.of("", "plain", "nothing to escape: é 日本 \uD83D\uDE00 \u007f \u2028 / <script>", AWKWARD)) {
            StringBuilder out = new StringBuilder();
            JsonText.appendQuoted(out, s);
            assertEquals(JsonNodeFactory.instance.textNode(s).toString(), out.toString());
        }
    }
}
