package io.agentfleet.worker.llm;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.List;
import java.util.Locale;

/**
 * Counts tokens before a call (context fitting, rate-limit reservations), with jtokkit's implementation of OpenAI's
 * encodings: {@code o200k_base} for the gpt-4o, gpt-4.1, gpt-5 and o-series families, {@code cl100k_base} for other
 * OpenAI-compatible models. Anthropic's tokenizer is not public: Claude models are estimated as cl100k_base counts
 * times {@value #ANTHROPIC_ESTIMATE_FACTOR}, which errs on the side of cutting a little early. After a call the
 * provider's own counts are used.
 */
final class TokenCounter {
    static final double ANTHROPIC_ESTIMATE_FACTOR = 1.2;

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    private static final List<String> O200K_FAMILIES =
            List.of("gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4");

    private final Encoding encoding;
    private final double factor;

    private TokenCounter(EncodingType type, double factor) {
        this.encoding = REGISTRY.getEncoding(type);
        this.factor = factor;
    }

    static TokenCounter forModel(Provider provider, String model) {
        return switch (provider) {
            case ANTHROPIC -> new TokenCounter(EncodingType.CL100K_BASE, ANTHROPIC_ESTIMATE_FACTOR);
            case OPENAI -> new TokenCounter(encodingOf(model), 1.0);
        };
    }

    static EncodingType encodingOf(String model) {
        String name = model.toLowerCase(Locale.ROOT);
        int slash = name.lastIndexOf('/'); // gateway names such as openai/gpt-4o
        String base = slash < 0 ? name : name.substring(slash + 1);
        return O200K_FAMILIES.stream().anyMatch(base::startsWith) ? EncodingType.O200K_BASE : EncodingType.CL100K_BASE;
    }

    String encodingName() {
        return encoding.getName();
    }

    long count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return (long) Math.ceil(encoding.countTokensOrdinary(text) * factor);
    }
}
