package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NamesTest {
    private static final String ALPHABET = "abzAZ09-_.:/@{} \u00e9";

    @Test
    void handWrittenChecksAgreeWithTheDocumentedPatterns() {
        Random random = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(5) == 0 ? 60 + random.nextInt(150) : random.nextInt(6);
            for (int j = 0; j < length; j++) {
                s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String value = s.toString();
            assertEquals(
                    Names.AGENT_TYPE.matcher(value).matches(), Names.isAgentType(value), "agent type '" + value + "'");
            assertEquals(Names.ID.matcher(value).matches(), Names.isId(value), "id '" + value + "'");
        }
    }
}
