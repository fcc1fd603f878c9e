package io.agentfleet.worker.agents;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/** Stable hashing and text helpers, so that the demo agents' outputs depend on their input and the seed only. */
final class Deterministic {
    private static final Set<String> STOP_WORDS = Set.of(
            "about",
            "after",
            "also",
            "and",
            "are",
            "before",
            "build",
            "can",
            "does",
            "each",
            "every",
            "exist",
            "existing",
            "for",
            "from",
            "have",
            "how",
            "into",
            "matter",
            "over",
            "should",
            "that",
            "the",
            "their",
            "them",
            "then",
            "there",
            "these",
            "this",
            "what",
            "when",
            "which",
            "while",
            "with",
            "would",
            "your",
            "approaches",
            "constraints",
            "risks",
            "edge",
            "cases",
            "verify",
            "solution",
            "implement",
            "solve");

    private Deterministic() {}

    /** 64-bit FNV-1a over the parts, separated so that ("ab","c") and ("a","bc") differ. */
    static long hash(Object... parts) {
        long h = 0xcbf29ce484222325L;
        for (Object part : parts) {
            for (byte b : String.valueOf(part).getBytes(StandardCharsets.UTF_8)) {
                h ^= b & 0xff;
                h *= 0x100000001b3L;
            }
            h ^= 0x1f;
            h *= 0x100000001b3L;
        }
        return h;
    }

    static SplittableRandom random(Object... parts) {
        return new SplittableRandom(hash(parts));
    }

    /** The input's most specific words (longest first, then alphabetical), at most {@code max}. */
    static List<String> keywords(String text, int max) {
        Set<String> words = new LinkedHashSet<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.length() >= 4 && !STOP_WORDS.contains(word)) {
                words.add(word);
            }
        }
        List<String> sorted = new ArrayList<>(words);
        sorted.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
        return sorted.isEmpty() ? List.of("topic") : sorted.subList(0, Math.min(max, sorted.size()));
    }

    /** Lower-case words joined by {@code separator}, e.g. a file or function name. */
    static String slug(List<String> words, String separator) {
        return String.join(separator, words).replaceAll("[^a-z0-9" + separator + "]", "");
    }

    /** The text on one line, without trailing punctuation, at most {@code max} characters. */
    static String topic(String text, int max) {
        String line = text.replaceAll("\\s+", " ").strip().replaceAll("[.?!:;,]+$", "");
        return line.length() <= max ? line : line.substring(0, max - 1).strip() + "…";
    }

    static String capitalize(String word) {
        return word.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
