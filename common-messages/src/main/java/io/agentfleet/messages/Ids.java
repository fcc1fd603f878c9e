package io.agentfleet.messages;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique, time-sortable ids (ULID layout: 48-bit millisecond time, 80 random bits, Crockford base32, 26
 * characters). Ids made in the same millisecond by one JVM sort in creation order.
 */
public final class Ids {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom SEED = new SecureRandom();
    private static final AtomicLong COUNTER = new AtomicLong(SEED.nextLong() >>> 24);
    private static final long RANDOM_HIGH = SEED.nextLong() & 0xFFFFL;

    private Ids() {}

    /** A new id for the current time. */
    public static String newId() {
        return newId(System.currentTimeMillis());
    }

    /** A new id for the given epoch milliseconds. */
    public static String newId(long epochMillis) {
        char[] out = new char[26];
        long time = epochMillis & 0xFFFFFFFFFFFFL;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        // 80 "random" bits: 16 fixed per JVM, then a 64-bit counter seeded randomly, so ids never collide within
        // one JVM and collide across JVMs with negligible probability.
        long low = COUNTER.incrementAndGet();
        long high = RANDOM_HIGH;
        for (int i = 25; i >= 10; i--) {
            out[i] = ALPHABET[(int) (low & 31)];
            low = (low >>> 5) | ((high & 31) << 59);
            high >>>= 5;
        }
        return new String(out);
    }

    /**
     * A deterministic id: the time part of {@code epochMillis} and, as its 80 "random" bits, the first bits of
     * SHA-256({@code seed}). Every process derives the same id from the same inputs, so a store that refuses a second
     * record under one id makes a step that creates it idempotent, while the id still sorts by time.
     */
    public static String derived(long epochMillis, String seed) {
        char[] out = new char[26];
        long time = epochMillis & 0xFFFFFFFFFFFFL;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        return withHashedRandomPart(out, seed);
    }

    /** {@link #derived(long, String)} with the time part of an existing id {@code timeOf}. */
    public static String derivedFrom(String timeOf, String seed) {
        char[] out = new char[26];
        java.util.Arrays.fill(out, '0');
        timeOf.getChars(0, Math.min(10, timeOf.length()), out, 0);
        return withHashedRandomPart(out, seed);
    }

    private static String withHashedRandomPart(char[] out, String seed) {
        byte[] hash = sha256(seed);
        for (int i = 0; i < 16; i++) {
            int bit = i * 5;
            int value = ((hash[bit / 8] & 0xFF) << 8) | (hash[bit / 8 + 1] & 0xFF);
            out[10 + i] = ALPHABET[(value >>> (11 - bit % 8)) & 31];
        }
        return new String(out);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
