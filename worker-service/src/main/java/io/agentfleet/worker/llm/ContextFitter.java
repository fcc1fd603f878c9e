package io.agentfleet.worker.llm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a prompt fit the agent type's context limit, keeping room for the answer. Tokens are counted with the model's
 * tokenizer ({@link TokenCounter}); pieces are shortened by characters, in proportion to what the count says is over,
 * and counted again until the prompt fits. The dependencies' outputs and the feedback are condensed first by the
 * summarizer when one is configured (once), then cut: pieces smaller than their fair share stay whole, larger ones are
 * cut to the share and end in a visible marker. Nothing is dropped silently.
 */
final class ContextFitter {
    /** Room kept for one marker, so that adding it cannot push the prompt over the limit. */
    static final int MARKER_RESERVE = 64;
    /** Count-and-cut rounds after the first; each aims a little below the budget, so two almost always suffice. */
    private static final int MAX_ROUNDS = 4;

    private static final double AIM = 0.97;

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

    /** Tokens the prompt may use: the context limit minus the answer's reservation. */
    static long promptBudgetTokens(LlmSettings settings) {
        return (long) settings.contextLimitTokens() - settings.maxTokens();
    }

    /** {@code text} cut (with a marker) so that it counts at most {@code maxTokens}. */
    static String cutToTokens(String text, long maxTokens, TokenCounter counter) {
        String fitted = text;
        for (int round = 0; round <= MAX_ROUNDS; round++) {
            long tokens = counter.count(fitted);
            if (tokens <= maxTokens) {
                return fitted;
            }
            long keep = scaled(Math.min(fitted.length(), text.length()), maxTokens, tokens) - MARKER_RESERVE;
            fitted = cut(text, keep);
        }
        return fitted;
    }

    /**
     * @param reservedTokens tokens the request spends besides the prompt parts (tool definitions, the conversation of
     *     a tool-calling exchange), which are never cut here
     */
    static PromptParts fit(PromptParts parts, LlmSettings settings, Summarizer summarizer, long reservedTokens)
            throws InterruptedException {
        TokenCounter counter = settings.tokenCounter();
        long budget = Math.max(1, promptBudgetTokens(settings) - reservedTokens);
        String text = parts.toRequest().text();
        long tokens = counter.count(text);
        if (tokens <= budget) {
            return parts;
        }
        long charBudget = scaled(text.length(), budget, tokens);
        PromptParts base = summarizer == null ? parts : condensed(parts, charBudget, summarizer);
        PromptParts fitted = cutToChars(base, charBudget);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            String fittedText = fitted.toRequest().text();
            long fittedTokens = counter.count(fittedText);
            if (fittedTokens <= budget) {
                return fitted;
            }
            charBudget = Math.min(charBudget - 1, scaled(fittedText.length(), budget, fittedTokens));
            fitted = cutToChars(base, charBudget);
        }
        return fitted;
    }

    /** {@code chars} scaled by budget/tokens, aiming a little low: the characters that should count {@code budget}. */
    private static long scaled(long chars, long budget, long tokens) {
        return (long) (chars * ((double) budget / tokens) * AIM);
    }

    private static PromptParts condensed(PromptParts parts, long charBudget, Summarizer summarizer)
            throws InterruptedException {
        PromptParts fitted = fitInput(parts, charBudget);
        long room = charBudget - fitted.fixedChars();
        return fitted.pieceChars() <= room ? fitted : condense(fitted, room, summarizer);
    }

    private static PromptParts cutToChars(PromptParts parts, long charBudget) {
        PromptParts fitted = fitInput(parts, charBudget);
        long room = charBudget - fitted.fixedChars();
        return fitted.pieceChars() <= room ? fitted : cutPieces(fitted, room);
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
