package io.agentfleet.orchestrator.workflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The fingerprint hash is MurmurHash3 x64 128 over UTF-16 code units; the vectors are Guava's hashUnencodedChars. */
class Murmur3Test {
    private static String hex(String text) {
        return HexFormat.of().formatHex(Murmur3.hash128(text));
    }

    @Test
    void everyTailLengthMatchesTheReferenceImplementation() {
        assertEquals("00000000000000000000000000000000", hex(""));
        assertEquals("bd984e0b5098a6967d6754c7bfc978b2", hex("a"));
        assertEquals("484f581a58fc8c54df30be4bdc426f07", hex("abcd"));
        assertEquals("ec30cb06c26484ef4bfa4d933e7c82cc", hex("abcde"));
        assertEquals("e92ba7591945c7a0a27424aca158e2a2", hex("abcdefg"));
        assertEquals("b2ae6d69bca50328fad1d64075ebb1a2", hex("abcdefgh"));
        assertEquals("2e076773feacc61a4a566fc382d6acce", hex("abcdefghi"));
        assertEquals("9d7f63e7e34cfff256f0ebd66acaecef", hex("abcdefghijklmnop"));
        assertEquals("e45a8b23f01fa2c301c2331d0f683864", hex("abcdefghijklmnopq"));
    }

    @Test
    void charactersOutsideAsciiAndSurrogatePairsAreHashedAsTheirCodeUnits() {
        assertEquals("fa2114c1fa5e173fa1c5a2d1226e2b1d", hex("héllo wörld ✓ 😀 and some more text to pass a block"));
        assertEquals("7f442b013302a0b1d0e4b8193978162c", hex("echo\u0000{\"input\":\"x\"}"));
    }
}
