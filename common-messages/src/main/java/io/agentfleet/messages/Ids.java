package io.agentfleet.messages;

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
}
