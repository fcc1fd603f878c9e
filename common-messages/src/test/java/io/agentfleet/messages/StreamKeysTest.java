package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamKeysTest {
    private final StreamKeys keys = StreamKeys.DEFAULT;

    @Test
    void agentKeysShareOneHashTag() {
        assertEquals("fleet:{coder}:tasks", keys.tasks("coder"));
        assertEquals("fleet:{coder}:results", keys.results("coder"));
        assertEquals("fleet:{coder}:dead", keys.dead("coder"));
        assertEquals("fleet:{coder}:delayed", keys.delayed("coder"));
        assertEquals("fleet:{coder}:done:t-1", keys.done("coder", "t-1"));
        assertEquals("fleet:{run:r1}:events", keys.runEvents("r1"));
    }

    @Test
    void agentTypeIsReadBackFromAKey() {
        assertEquals("coder", new StreamKeys("acme").agentOf("acme:{coder}:tasks"));
    }

    @Test
    void agentTypesThatWouldBreakTheHashTagAreRejected() {
        assertThrows(InvalidMessageException.class, () -> keys.tasks("a}b"));
        assertThrows(InvalidMessageException.class, () -> keys.tasks("a:b"));
        assertThrows(InvalidMessageException.class, () -> keys.done("coder", "x{y}"));
    }

    @Test
    void idsAreUniqueAndSortByTime() {
        Set<String> seen = new HashSet<>();
        String previous = "";
        for (int i = 0; i < 10_000; i++) {
            String id = Ids.newId(1_760_000_000_000L + i / 100);
            assertTrue(seen.add(id), "duplicate id " + id);
            assertTrue(id.compareTo(previous) > 0, id + " sorts after " + previous);
            previous = id;
        }
    }

    @Test
    void scriptsAreShippedWithTheirDigests() {
        for (LuaScript script : new LuaScript[] {
            FleetScripts.ENQUEUE,
            FleetScripts.RECORD_OUTCOMES,
            FleetScripts.RETRY,
            FleetScripts.PROMOTE,
            FleetScripts.REDRIVE
        }) {
            assertTrue(script.source().startsWith("-- " + script.name()), script.name() + " has its header");
            assertEquals(40, script.sha1().length());
        }
    }
}
