package io.agentfleet.messages;

/** Reads enum names written by other (older or newer) versions without failing on one this version does not know. */
final class Enums {
    private Enums() {}

    static <E extends Enum<E>> E parse(Class<E> type, String name, E unknown) {
        if (name == null) {
            return unknown;
        }
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            return unknown;
        }
    }
}
