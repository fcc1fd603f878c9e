package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashSlotsTest {

    @Test
    void slotsMatchRedisClusterKeyslot() {
        // Values from CLUSTER KEYSLOT on Redis 7.0.
        assertEquals(12_182, HashSlots.slotOf("foo"));
        assertEquals(5_061, HashSlots.slotOf("bar"));
        assertEquals(HashSlots.slotOf("coder"), HashSlots.slotOf("fleet:{coder}:tasks"));
        assertEquals(10_595, HashSlots.slotOf("{}x"));
    }

    @Test
    void everySharedScriptCallStaysOnOneSlot() {
        StreamKeys keys = StreamKeys.DEFAULT;
        byte[] message = "{}".getBytes(StandardCharsets.UTF_8);
        for (int p = 0; p < 4; p++) {
            ScriptCall enqueue =
                    FleetScripts.enqueue(keys, "coder", p, 10, List.of(message, message), List.of("t-1", "t-2"));
            assertEquals(HashSlots.slotOf(keys.tasks("coder", p)), enqueue.slot());
            ScriptCall redrive =
                    FleetScripts.redrive(keys, "coder", p, List.of(new FleetScripts.Redrive("1-0", "t-1", message)));
            assertEquals(HashSlots.slotOf(keys.dead("coder", p)), redrive.slot());
        }
        assertEquals(
                HashSlots.slotOf(keys.config("coder")),
                FleetScripts.registerPartitions(keys, "coder", 3).slot());
    }

    @Test
    void aCallWhoseKeysSpanTwoSlotsCannotBeBuilt() {
        StreamKeys keys = StreamKeys.DEFAULT;
        assertNotEquals(HashSlots.slotOf(keys.tasks("coder")), HashSlots.slotOf(keys.tasks("coder", 1)));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ScriptCall(
                        FleetScripts.ENQUEUE, List.of(keys.tasks("coder"), keys.config("coder", 1)), List.of()));
    }

    @Test
    void keysAreInOneSlotByTheirSlotsNotOnlyByEqualTags() {
        // "foo" has no tag: its whole name hashes to the slot of the tag {foo}.
        HashSlots.requireOneSlot("t", List.of("{foo}:a", "foo", "{foo}:b", "x{foo}"));
        // Empty braces are no tag: "{}x" is hashed whole.
        assertThrows(IllegalArgumentException.class, () -> HashSlots.requireOneSlot("t", List.of("{}x", "{}y")));
        assertThrows(
                IllegalArgumentException.class, () -> HashSlots.requireOneSlot("t", List.of("{foo}:a", "{bar}:a")));
        assertThrows(IllegalArgumentException.class, () -> HashSlots.requireOneSlot("t", List.of("{foo}:a", "{foo")));
    }
}
