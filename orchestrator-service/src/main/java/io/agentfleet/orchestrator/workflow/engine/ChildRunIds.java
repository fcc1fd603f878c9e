package io.agentfleet.orchestrator.workflow.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The run id of a sub-workflow task's child run: a ULID whose time part is the parent run's and whose 80 "random"
 * bits are the first bits of SHA-256(wire task id), so every replica (and a replica retrying after a crash) derives the
 * same id for the same dispatch and the run store refuses a second run with it.
 */
final class ChildRunIds {
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private ChildRunIds() {}

    static String of(String parentRunId, String wireId) {
        char[] out = new char[26];
        java.util.Arrays.fill(out, '0');
        parentRunId.getChars(0, Math.min(10, parentRunId.length()), out, 0);
        byte[] hash = sha256(wireId);
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
