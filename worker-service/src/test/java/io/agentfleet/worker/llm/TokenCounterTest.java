package io.agentfleet.worker.llm;

import static io.agentfleet.worker.llm.LlmTasks.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.api.EncodingType;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenCounterTest {
    /** Context limit 1000 tokens, 200 kept for the answer: the prompt may use 800. */
    private static final LlmSettings GPT_4O = config().set("llm", "base-url", "http://vllm:8000/v1")
            .set("llm", "model", "gpt-4o")
            .set("llm", "context-limit-tokens", 1000)
            .set("llm", "max-tokens", 200)
            .load("llm");

    private static PromptParts promptWithContext(String piece) {
        return new PromptParts("Be brief.", "Use the research", Map.of("research", piece), null, 0);
    }

    private static String digits(int chars) {
        StringBuilder text = new StringBuilder();
        Random random = new Random(7);
        while (text.length() < chars) {
            text.append(random.nextInt(100_000)).append(' ');
        }
        return text.substring(0, chars);
    }

    @Test
    void encodingIsChosenPerModelFamily() {
        assertEquals(EncodingType.O200K_BASE, TokenCounter.encodingOf("gpt-4o-mini"));
        assertEquals(EncodingType.O200K_BASE, TokenCounter.encodingOf("gpt-4.1-2025-04-14"));
        assertEquals(EncodingType.O200K_BASE, TokenCounter.encodingOf("o3-mini"));
        assertEquals(EncodingType.O200K_BASE, TokenCounter.encodingOf("openai/gpt-4o"));
        assertEquals(EncodingType.CL100K_BASE, TokenCounter.encodingOf("gpt-4-turbo"));
        assertEquals(EncodingType.CL100K_BASE, TokenCounter.encodingOf("llama-3.1-70b"));
        assertEquals(
                "o200k_base", TokenCounter.forModel(Provider.OPENAI, "gpt-4o").encodingName());
        assertEquals(
                "cl100k_base",
                TokenCounter.forModel(Provider.ANTHROPIC, "claude-sonnet-4-0").encodingName());
    }

    @Test
    void claudeIsAnEstimateThatErrsHigh() {
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(50);
        long openAi = TokenCounter.forModel(Provider.OPENAI, "gpt-4").count(text);
        long claude =
                TokenCounter.forModel(Provider.ANTHROPIC, "claude-sonnet-4-0").count(text);

        assertEquals((long) Math.ceil(openAi * TokenCounter.ANTHROPIC_ESTIMATE_FACTOR), claude);
    }

    @Test
    void promptThatFitsByFourCharactersPerTokenButNotByTokensIsCut() throws InterruptedException {
        PromptParts parts = promptWithContext(digits(2_800)); // numbers: about two characters a token
        String whole = parts.toRequest().text();
        assertTrue(whole.length() / 4 < 800, "four characters a token would have sent it whole");

        PromptParts fitted = ContextFitter.fit(parts, GPT_4O, null, 0);

        String sent = fitted.toRequest().text();
        assertTrue(GPT_4O.tokenCounter().count(sent) <= 800, "fits by the model's own count");
        assertTrue(sent.contains("to fit the context limit]"), "with a visible marker");
    }

    @Test
    void promptThatFitsByTokensButNotByFourCharactersPerTokenIsKeptWhole() throws InterruptedException {
        PromptParts parts = promptWithContext("x".repeat(5_000)); // eight characters a token
        assertTrue(parts.toRequest().text().length() / 4 > 800, "four characters a token would have cut it");

        PromptParts fitted = ContextFitter.fit(parts, GPT_4O, null, 0);

        assertEquals(parts, fitted);
        assertFalse(fitted.toRequest().text().contains("truncated"));
    }

    @Test
    void toolDefinitionsAndTheConversationLeaveLessRoomForThePrompt() throws InterruptedException {
        PromptParts parts = promptWithContext("x".repeat(5_000)); // about 640 tokens: fits 800 alone

        PromptParts fitted = ContextFitter.fit(parts, GPT_4O, null, 400);

        assertTrue(GPT_4O.tokenCounter().count(fitted.toRequest().text()) <= 400);
        assertTrue(fitted.toRequest().text().contains("to fit the context limit]"));
    }
}
