package io.agentfleet.orchestrator.schedule;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The run id of a schedule's tick: a ULID whose time part is the tick and whose 80 "random" bits are the first bits of
 * SHA-256(schedule id), so every replica derives the same id for the same tick (the run store refuses a second run
 * with it) while ids stay time-sortable like every other run id.
 */
final class TickRunIds {
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private TickRunIds() {}

    static String of(String scheduleId, long tickEpochMs) {
        char[] out = new char[26];
        long time = tickEpochMs & 0xFFFFFFFFFFFFL;
        for (int i = 9; i >= 0; i--) {
            out[i] = CROCKFORD[(int) (time & 31)];
            time >>>= 5;
        }
        byte[] hash = sha256(scheduleId);
        for (int i = 0; i < 16; i++) {
            out[10 + i] = CROCKFORD[fiveBits(hash, i * 5)];
        }
        return new String(out);
    }

    private static int fiveBits(byte[] bytes, int bit) {
        int value = ((bytes[bit / 8] & 0xFF) << 8) | (bytes[bit / 8 + 1] & 0xFF);
        return (value >>> (11 - bit % 8)) & 31;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
