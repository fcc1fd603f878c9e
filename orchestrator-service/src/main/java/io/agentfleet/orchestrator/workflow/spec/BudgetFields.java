package io.agentfleet.orchestrator.workflow.spec;

import static io.agentfleet.orchestrator.workflow.spec.JsonFields.abbreviate;
import static io.agentfleet.orchestrator.workflow.spec.JsonFields.requireKnownFields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.InvalidMessageException;
import java.util.Set;

/** Reads a run's {@code budget} and a task's {@code maxTokens}, refusing a bad value naming its field. */
final class BudgetFields {
    private static final Set<String> BUDGET_FIELDS = Set.of("maxTokens", "maxCost", "onBudget");

    /** A run's budget: token and cost limits (null = none) and what a task that does not fit does. */
    record Budget(Long maxTokens, Double maxCost, OnBudget onBudget) {}

    private BudgetFields() {}

    static Budget budget(JsonNode budget) {
        if (budget == null || budget.isNull()) {
            return new Budget(null, null, OnBudget.FAIL);
        }
        if (!budget.isObject()) {
            throw new InvalidMessageException("budget", "must be an object with maxTokens and/or maxCost");
        }
        requireKnownFields((ObjectNode) budget, BUDGET_FIELDS, "budget.");
        Long maxTokens = null;
        JsonNode tokens = budget.get("maxTokens");
        if (tokens != null && !tokens.isNull()) {
            if (!tokens.isIntegralNumber() || !tokens.canConvertToLong() || tokens.longValue() < 1) {
                throw new InvalidMessageException("budget.maxTokens", "must be an integer >= 1, but was " + tokens);
            }
            maxTokens = tokens.longValue();
        }
        Double maxCost = null;
        JsonNode cost = budget.get("maxCost");
        if (cost != null && !cost.isNull()) {
            if (!cost.isNumber() || cost.doubleValue() <= 0) {
                throw new InvalidMessageException("budget.maxCost", "must be a number > 0, but was " + cost);
            }
            maxCost = cost.doubleValue();
        }
        return new Budget(maxTokens, maxCost, onBudget(budget.get("onBudget")));
    }

    private static OnBudget onBudget(JsonNode node) {
        if (node == null || node.isNull()) {
            return OnBudget.FAIL;
        }
        return switch (node.isTextual() ? node.asText() : "") {
            case "fail" -> OnBudget.FAIL;
            case "wait" -> OnBudget.WAIT;
            default ->
                throw new InvalidMessageException(
                        "budget.onBudget", "must be \"fail\" or \"wait\", but was " + abbreviate(node.toString()));
        };
    }

    /** A task's {@code maxTokens}, or null when it gives none. */
    static Long taskMaxTokens(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1) {
            throw new InvalidMessageException(
                    at + "maxTokens",
                    "must be an integer between 1 and " + Integer.MAX_VALUE + ", but was "
                            + abbreviate(node.toString()));
        }
        return node.longValue();
    }
}
