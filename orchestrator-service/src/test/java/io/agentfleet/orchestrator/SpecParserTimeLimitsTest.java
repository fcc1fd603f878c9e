package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The documented ranges of {@code timeout} (at most 7 days) and {@code deadline} (at most 365 days ahead). */
class SpecParserTimeLimitsTest {
    static final Instant NOW = SpecParserTest.NOW;

    final SpecParser parser = SpecParserTest.parser(SpecParserTest.config(Map.of()));

    @Test
    void aTimeoutOfSevenDaysIsAcceptedAndOneMillisecondMoreIsRefused() {
        assertEquals(Duration.ofDays(7), task("{\"agent\":\"a\",\"timeout\":\"7d\"}"));
        assertEquals(Duration.ofDays(7), task("{\"agent\":\"a\",\"timeout\":\"PT168H\"}"));
        assertRefused("timeout", "{\"agent\":\"a\",\"timeout\":\"604800001ms\"}");
    }

    @Test
    void overflowingTimeoutsAreRefusedNamingTheField() {
        for (String timeout : new String[] {
            "106751991167300d", "9223372036854775807ms", "9223372036000000000ms", "99999999999999999999s"
        }) {
            assertRefused("timeout", "{\"agent\":\"a\",\"timeout\":\"" + timeout + "\"}");
        }
        InvalidMessageException inWorkflow = assertThrows(
                InvalidMessageException.class,
                () -> parser.workflow(
                        Api.parse("{\"tasks\":[{\"id\":\"a\",\"agent\":\"a\"},{\"id\":\"b\",\"agent\":\"a\","
                                + "\"dependsOn\":[\"a\"],\"timeout\":\"9223372036000000000ms\"}]}"),
                        NOW));
        assertEquals("tasks[1].timeout", inWorkflow.field());
    }

    @Test
    void aDeadlineUpTo365DaysAheadIsAcceptedAndFurtherIsRefused() {
        assertEquals(NOW.plus(Duration.ofDays(365)), deadline("365d"));
        assertEquals(NOW.plus(Duration.ofDays(365)), deadline("2027-01-01T00:00:00Z"));
        for (String deadline : new String[] {
            "366d",
            "2027-01-01T00:00:00.001Z",
            "1000000000000d",
            "+300000000-01-01T00:00:00Z",
            "+1000000000-12-31T23:59:59.999999999Z",
            "9223372036854775807ms",
            "PT-9223372036854775807S",
            "-1000000000-01-01T00:00:00Z"
        }) {
            assertRefused("deadline", "{\"agent\":\"a\",\"deadline\":\"" + deadline + "\"}");
        }
    }

    @Test
    void aScheduledRunStartsAfterItsDelayOrAtItsInstantAndItsDeadlineCountsFromThere() {
        RunSpec delayed = parser.singleTask(Api.parse("{\"agent\":\"a\",\"delay\":\"1h\",\"deadline\":\"30m\"}"), NOW);
        assertEquals(NOW.plus(Duration.ofHours(1)), delayed.startAt());
        assertEquals(NOW.plus(Duration.ofMinutes(90)), delayed.deadline());
        assertEquals(
                NOW.plus(Duration.ofDays(365)),
                parser.singleTask(Api.parse("{\"agent\":\"a\",\"runAt\":\"2027-01-01T00:00:00Z\"}"), NOW)
                        .startAt());
        assertNull(
                parser.singleTask(Api.parse("{\"agent\":\"a\",\"runAt\":\"2020-01-01T00:00:00Z\"}"), NOW)
                        .startAt(),
                "a past instant starts at once");
        assertNull(parser.singleTask(Api.parse("{\"agent\":\"a\",\"delay\":\"0s\"}"), NOW)
                .startAt());
        assertRefused("delay", "{\"agent\":\"a\",\"delay\":\"366d\"}");
        assertRefused("runAt", "{\"agent\":\"a\",\"runAt\":\"2027-01-01T00:00:00.001Z\"}");
        assertRefused(
                "deadline",
                "{\"agent\":\"a\",\"runAt\":\"2026-06-01T00:00:00Z\",\"deadline\":\"2026-05-01T00:00:00Z\"}");
    }

    private Duration task(String json) {
        return parser.singleTask(Api.parse(json), NOW).tasks().get(0).timeout();
    }

    private Instant deadline(String deadline) {
        return parser.singleTask(Api.parse("{\"agent\":\"a\",\"deadline\":\"" + deadline + "\"}"), NOW)
                .deadline();
    }

    private void assertRefused(String field, String json) {
        InvalidMessageException e =
                assertThrows(InvalidMessageException.class, () -> parser.singleTask(Api.parse(json), NOW), json);
        assertEquals(field, e.field(), json);
    }
}
