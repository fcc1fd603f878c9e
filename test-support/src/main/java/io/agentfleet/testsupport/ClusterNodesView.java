package io.agentfleet.testsupport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** One node's answer to {@code CLUSTER NODES}: who it knows, their flags and who owns each slot. */
record ClusterNodesView(List<Entry> entries, String[] slotOwners) {

    static final int SLOTS = 16_384;

    /** One line of {@code CLUSTER NODES}; {@code primaryId} is null for a primary. */
    record Entry(String id, int port, Set<String> flags, String primaryId) {

        boolean isMyself() {
            return flags.contains("myself");
        }

        boolean isPrimary() {
            return flags.contains("master");
        }

        boolean isFailing() {
            return flags.contains("fail")
                    || flags.contains("fail?")
                    || flags.contains("handshake")
                    || flags.contains("noaddr");
        }

        RedisRole role() {
            return isPrimary() ? RedisRole.PRIMARY : RedisRole.REPLICA;
        }
    }

    static ClusterNodesView parse(String text) {
        List<Entry> entries = new ArrayList<>();
        String[] owners = new String[SLOTS];
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length < 8) {
                continue;
            }
            String address = fields[1];
            int at = address.indexOf('@');
            String hostPort = at >= 0 ? address.substring(0, at) : address;
            int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
            String primary = fields[3].equals("-") ? null : fields[3];
            entries.add(new Entry(fields[0], port, Set.of(fields[2].split(",")), primary));
            for (int i = 8; i < fields.length; i++) {
                markSlots(fields[i], fields[0], owners);
            }
        }
        return new ClusterNodesView(List.copyOf(entries), owners);
    }

    Optional<Entry> myself() {
        return entries.stream().filter(Entry::isMyself).findFirst();
    }

    Optional<Entry> byPort(int port) {
        return entries.stream().filter(e -> e.port() == port).findFirst();
    }

    Optional<Entry> byId(String id) {
        return entries.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    boolean coversEverySlot() {
        return Arrays.stream(slotOwners).allMatch(owner -> owner != null);
    }

    boolean sameSlotOwners(ClusterNodesView other) {
        return Arrays.equals(slotOwners, other.slotOwners);
    }

    String ownerOf(int slot) {
        return slotOwners[slot];
    }

    int[] slotsOf(String id) {
        List<Integer> slots = new ArrayList<>();
        for (int slot = 0; slot < SLOTS; slot++) {
            if (id.equals(slotOwners[slot])) {
                slots.add(slot);
            }
        }
        return slots.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void markSlots(String field, String owner, String[] owners) {
        // "[slot->-id]" / "[slot-<-id]" are migrations in progress, not ownership.
        if (field.startsWith("[")) {
            return;
        }
        int dash = field.indexOf('-');
        int from = Integer.parseInt(dash < 0 ? field : field.substring(0, dash));
        int to = dash < 0 ? from : Integer.parseInt(field.substring(dash + 1));
        for (int slot = from; slot <= to; slot++) {
            owners[slot] = owner;
        }
    }
}
