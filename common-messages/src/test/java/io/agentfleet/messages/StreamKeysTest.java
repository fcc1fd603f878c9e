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
            FleetScripts.SCHEDULE,
            FleetScripts.UNSCHEDULE,
            FleetScripts.REDRIVE
        }) {
            assertTrue(script.source().startsWith("-- " + script.name()), script.name() + " has its header");
            assertEquals(40, script.sha1().length());
        }
    }

    @Test
    void partitionZeroIsTheUnpartitionedLayoutAndOthersHaveTheirOwnTag() {
        StreamKeys keys = StreamKeys.DEFAULT;
        assertEquals("fleet:{coder}:tasks", keys.tasks("coder", 0));
        assertEquals("fleet:{coder:2}:tasks", keys.tasks("coder", 2));
        assertEquals("fleet:{coder:2}:done:t-1", keys.done("coder", 2, "t-1"));
        assertEquals("fleet:{coder:2}:checkpoint:t-1", keys.checkpoint("coder", 2, "t-1"));
        assertEquals("coder", keys.agentOf("fleet:{coder:2}:results"));
        assertEquals(2, keys.partitionOf("fleet:{coder:2}:results"));
        assertEquals(0, keys.partitionOf("fleet:{coder}:results"));
        assertEquals("fleet:agents", keys.agents());
        assertEquals("FLEET_AGENTS_MY_CODER_PARTITIONS", StreamKeys.partitionsVariable("my-coder"));
    }

    @Test
    void aPartitionKeyAlwaysMapsToTheSamePartition() {
        int first = StreamKeys.partitionFor("customer-42", 5);
        for (int i = 0; i < 10; i++) {
            assertEquals(first, StreamKeys.partitionFor("customer-42", 5));
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(StreamKeys.partitionFor("key-" + i, 5));
        }
        assertEquals(5, seen.size());
        assertThrows(InvalidMessageException.class, () -> StreamKeys.partitionFor("k", 0));
        assertThrows(InvalidMessageException.class, () -> StreamKeys.DEFAULT.tasks("coder", StreamKeys.MAX_PARTITIONS));
    }
}
