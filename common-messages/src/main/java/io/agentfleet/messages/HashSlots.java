package io.agentfleet.messages;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Redis Cluster's key-to-slot mapping (CRC16/XMODEM of the hash tag, or of the whole key, modulo 16384), so that the
 * contract can refuse a multi-key step whose keys would land on two shards.
 */
public final class HashSlots {
    public static final int SLOTS = 16_384;

    private HashSlots() {}

    /** The slot of {@code key}, as {@code CLUSTER KEYSLOT} computes it. */
    public static int slotOf(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        int from = 0;
        int to = bytes.length;
        int open = indexOf(bytes, (byte) '{', 0);
        if (open >= 0) {
            int close = indexOf(bytes, (byte) '}', open + 1);
            if (close > open + 1) {
                from = open + 1;
                to = close;
            }
        }
        return crc16(bytes, from, to) % SLOTS;
    }

    /**
     * @throws IllegalArgumentException naming the two keys when {@code keys} span more than one slot
     */
    public static void requireOneSlot(String what, List<String> keys) {
        String first = keys.getFirst();
        int tagFrom = tagFrom(first);
        int tagTo = tagTo(first, tagFrom);
        int slot = -1;
        for (String key : keys) {
            if (tagFrom >= 0 && sameTag(key, first, tagFrom, tagTo)) {
                continue;
            }
            if (slot < 0) {
                slot = slotOf(first);
            }
            if (slotOf(key) != slot) {
                throw new IllegalArgumentException(what + ": keys '" + first + "' (slot " + slot + ") and '" + key
                        + "' (slot " + slotOf(key) + ") are in different hash slots");
            }
        }
    }

    /**
     * Where {@code key}'s hash tag starts (the char after its first '{'), or -1 when it has none. Braces are ASCII and
     * never part of a multi-byte UTF-8 sequence, so a tag found in the chars is the tag {@link #slotOf} finds in the bytes.
     */
    private static int tagFrom(String key) {
        int open = key.indexOf('{');
        if (open < 0) {
            return -1;
        }
        int close = key.indexOf('}', open + 1);
        return close > open + 1 ? open + 1 : -1;
    }

    private static int tagTo(String key, int tagFrom) {
        return tagFrom < 0 ? -1 : key.indexOf('}', tagFrom);
    }

    /** Whether {@code key}'s hash tag is {@code first}'s (chars {@code from..to}): then both hash to one slot. */
    private static boolean sameTag(String key, String first, int from, int to) {
        int keyFrom = tagFrom(key);
        return keyFrom >= 0
                && tagTo(key, keyFrom) - keyFrom == to - from
                && key.regionMatches(keyFrom, first, from, to - from);
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int crc16(byte[] bytes, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc ^= (bytes[i] & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
        }
        return crc & 0xffff;
    }
}
