package io.agentfleet.orchestrator.workflow.engine;

/**
 * MurmurHash3 x64 128-bit (seed 0) over a string's UTF-16 code units, little-endian, which is what Guava's {@code
 * Hashing.murmur3_128().hashUnencodedChars} computes. The loop fingerprint needs no cryptographic strength (a forged
 * collision could only stop the forger's own run), and this is several times cheaper than SHA-256 on a C1-compiled JVM.
 */
final class Murmur3 {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private Murmur3() {}

    /** The 16-byte hash of {@code text}: h1 then h2, each little-endian. */
    static byte[] hash128(String string) {
        char[] text = string.toCharArray();
        int length = text.length;
        long h1 = 0;
        long h2 = 0;
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            long k1 = chars(text, i, 4);
            long k2 = chars(text, i + 4, 4);
            h1 ^= mixK1(k1);
            h1 = Long.rotateLeft(h1, 27) + h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixK2(k2);
            h2 = Long.rotateLeft(h2, 31) + h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        int tail = length - i;
        if (tail > 4) {
            h2 ^= mixK2(chars(text, i + 4, tail - 4));
        }
        if (tail > 0) {
            h1 ^= mixK1(chars(text, i, Math.min(tail, 4)));
        }
        long bytes = 2L * length;
        h1 ^= bytes;
        h2 ^= bytes;
        h1 += h2;
        h2 += h1;
        h1 = fmix64(h1);
        h2 = fmix64(h2);
        h1 += h2;
        h2 += h1;
        byte[] out = new byte[16];
        for (int b = 0; b < 8; b++) {
            out[b] = (byte) (h1 >>> (8 * b));
            out[8 + b] = (byte) (h2 >>> (8 * b));
        }
        return out;
    }

    /** {@code count} (1..4) chars from {@code from} as a little-endian long, the first char in the lowest bits. */
    private static long chars(char[] text, int from, int count) {
        long k = 0;
        for (int c = 0; c < count; c++) {
            k |= (long) text[from + c] << (16 * c);
        }
        return k;
    }

    private static long mixK1(long k1) {
        return Long.rotateLeft(k1 * C1, 31) * C2;
    }

    private static long mixK2(long k2) {
        return Long.rotateLeft(k2 * C2, 33) * C1;
    }

    private static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
