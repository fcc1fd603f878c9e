package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void shortFormsAndIsoAreRead() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse(" 30s "));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30 s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(2), Durations.parse("2H"));
        assertEquals(Duration.ofDays(1), Durations.parse("1d"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("PT1M30S"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("pt30s"));
    }

    @Test
    void anythingElseNamesTheValueAndTheExpectedForms() {
        for (String bad : new String[] {"", "30", "30x", "ms", "-5s", "soon", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad));
            assertTrue(e.getMessage().contains(Durations.EXPECTED), e.getMessage());
        }
    }
}
