package io.agentfleet.worker.llm;

import static io.agentfleet.worker.llm.LlmTasks.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.config.ConfigException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PriceTableTest {
    private static final PriceTable TABLE = PriceTable.DEFAULTS;

    @Test
    void theLongestModelPrefixWins() {
        assertEquals(Optional.of(new PriceTable.Price(0.15, 0.60)), TABLE.priceOf("gpt-4o-mini-2024-07-18"));
        assertEquals(Optional.of(new PriceTable.Price(2.50, 10.00)), TABLE.priceOf("gpt-4o-2024-08-06"));
        assertEquals(Optional.of(new PriceTable.Price(3.00, 15.00)), TABLE.priceOf("claude-sonnet-4-20250514"));
        assertEquals(Optional.empty(), TABLE.priceOf("llama-3.1-70b"));
    }

    @Test
    void costIsPerMillionTokensInAndOut() {
        PriceTable.Price price = new PriceTable.Price(3.00, 15.00);

        assertEquals(2_000 * 3.00 / 1e6 + 500 * 15.00 / 1e6, price.costOf(2_000, 500), 1e-12);
    }

    @Test
    void overridesAddAndReplaceEntries() {
        PriceTable table = TABLE.overriddenBy("FLEET_LLM_PRICES", "gpt-4o=2/8, my-llama = 0/0");

        assertEquals(Optional.of(new PriceTable.Price(2, 8)), table.priceOf("gpt-4o-2024-08-06"));
        assertEquals(Optional.of(new PriceTable.Price(0, 0)), table.priceOf("my-llama-70b"));
        assertEquals(Optional.of(new PriceTable.Price(0.15, 0.60)), table.priceOf("gpt-4o-mini"), "others stay");
    }

    @Test
    void badOverrideNamesTheSettingAndTheEntry() {
        ConfigException noSlash =
                assertThrows(ConfigException.class, () -> TABLE.overriddenBy("FLEET_LLM_PRICES", "gpt-4o=2"));
        ConfigException negative =
                assertThrows(ConfigException.class, () -> TABLE.overriddenBy("FLEET_LLM_PRICES", "gpt-4o=-1/2"));

        assertTrue(noSlash.getMessage().contains("FLEET_LLM_PRICES")
                && noSlash.getMessage().contains("gpt-4o=2"));
        assertTrue(negative.getMessage().contains("FLEET_LLM_PRICES"), negative.getMessage());
    }

    @Test
    void anAgentTypesOwnPriceBeatsTheTableAndNeedsBothDirections() {
        LlmSettings own = config().set("llm", "base-url", "http://vllm:8000/v1")
                .set("llm", "model", "gpt-4o")
                .set("llm", "price-in-per-1m", 1)
                .set("llm", "price-out-per-1m", 1)
                .load("llm");
        ConfigException half = assertThrows(
                ConfigException.class,
                () -> config().set("llm", "base-url", "http://vllm:8000/v1")
                        .set("llm", "price-in-per-1m", 1)
                        .load("llm"));

        assertEquals(2.0, own.costOf("gpt-4o", 1_000_000, 1_000_000), 1e-12);
        assertTrue(half.getMessage().contains("price-out-per-1m"), half.getMessage());
    }
}
