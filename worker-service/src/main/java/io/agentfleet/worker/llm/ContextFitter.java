package io.agentfleet.worker.llm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a prompt fit the agent type's context limit (estimating four characters a token and keeping room for the
 * answer). The dependencies' outputs and the feedback are condensed first by the summarizer when one is configured,
 * then cut: pieces smaller than their fair share stay whole, larger ones are cut to the share and end in a visible
 * marker. Nothing is dropped silently.
 */
final class ContextFitter {
    static final int CHARS_PER_TOKEN = 4;
    /** Room kept for one marker, so that adding it cannot push the prompt over the limit. */
    static final int MARKER_RESERVE = 64;

    /** Condenses one text to about {@code targetChars}; returns null to fall back to cutting. */
    interface Summarizer {
        String condense(String text, int targetChars) throws InterruptedException;
    }

    private ContextFitter() {}

    static String truncationMarker(long removedChars) {
        return "…[truncated " + removedChars + " chars to fit the context limit]";
    }

    static String cut(String text, long keepChars) {
        if (text.length() <= keepChars) {
            return text;
        }
        int keep = (int) Math.max(0, keepChars);
        return text.substring(0, keep) + truncationMarker(text.length() - keep);
    }

    /** Characters the prompt may use: the context limit minus the answer's reservation. */
    static long promptBudgetChars(LlmSettings settings) {
        return (long) (settings.contextLimitTokens() - settings.maxTokens()) * CHARS_PER_TOKEN;
    }

    static PromptParts fit(PromptParts parts, LlmSettings settings, Summarizer summarizer) throws InterruptedException {
        long budget = promptBudgetChars(settings);
        PromptParts fitted = fitInput(parts, budget);
        long room = budget - fitted.fixedChars();
        if (fitted.pieceChars() <= room) {
            return fitted;
        }
        if (summarizer != null) {
            fitted = condense(fitted, room, summarizer);
            if (fitted.pieceChars() <= room) {
                return fitted;
            }
        }
        return cutPieces(fitted, room);
    }

    /** The input itself is cut only when it alone leaves no room for the pieces' markers. */
    private static PromptParts fitInput(PromptParts parts, long budget) {
        int pieces = parts.context().size() + (parts.feedback() == null ? 0 : 1);
        long over = parts.fixedChars() + (long) pieces * MARKER_RESERVE - budget;
        if (over <= 0) {
            return parts;
        }
        long keep = parts.input().length() - over - MARKER_RESERVE;
        return parts.withInput(cut(parts.input(), keep));
    }

    private static PromptParts condense(PromptParts parts, long room, Summarizer summarizer)
            throws InterruptedException {
        Map<String, Long> shares = shares(sizes(parts), room);
        Map<String, String> context = new LinkedHashMap<>();
        for (Map.Entry<String, String> piece : parts.context().entrySet()) {
            long share = shares.get("context:" + piece.getKey());
            context.put(piece.getKey(), condensed(piece.getValue(), share, summarizer));
        }
        String feedback =
                parts.feedback() == null ? null : condensed(parts.feedback(), shares.get("feedback"), summarizer);
        return parts.withPieces(feedback, context);
    }

    private static String condensed(String text, long share, Summarizer summarizer) throws InterruptedException {
        if (text.length() <= share) {
            return text;
        }
        int target = (int) Math.max(0, share - MARKER_RESERVE);
        String summary = summarizer.condense(text, target);
        if (summary == null || summary.length() >= text.length()) {
            return text;
        }
        return summary + "\n…[condensed from " + text.length() + " chars by the summarizer]";
    }

    private static PromptParts cutPieces(PromptParts parts, long room) {
        Map<String, Long> shares = shares(sizes(parts), room);
        Map<String, String> context = new LinkedHashMap<>();
        parts.context().forEach((id, text) -> context.put(id, cutToShare(text, shares.get("context:" + id))));
        String feedback = parts.feedback() == null ? null : cutToShare(parts.feedback(), shares.get("feedback"));
        return parts.withPieces(feedback, context);
    }

    private static String cutToShare(String text, long share) {
        return text.length() <= share ? text : cut(text, share - MARKER_RESERVE);
    }

    private static Map<String, Long> sizes(PromptParts parts) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        if (parts.feedback() != null) {
            sizes.put("feedback", (long) parts.feedback().length());
        }
        parts.context().forEach((id, text) -> sizes.put("context:" + id, (long) text.length()));
        return sizes;
    }

    /** Water-filling: pieces below the fair share keep their size, the rest split what is left equally. */
    static Map<String, Long> shares(Map<String, Long> sizes, long room) {
        List<Map.Entry<String, Long>> bySize = new ArrayList<>(sizes.entrySet());
        bySize.sort(Map.Entry.comparingByValue(Comparator.naturalOrder()));
        Map<String, Long> shares = new LinkedHashMap<>();
        long left = Math.max(0, room);
        for (int i = 0; i < bySize.size(); i++) {
            long fair = left / (bySize.size() - i);
            long size = bySize.get(i).getValue();
            long share = Math.min(size, fair);
            shares.put(bySize.get(i).getKey(), share);
            left -= share;
        }
        return shares;
    }
}
