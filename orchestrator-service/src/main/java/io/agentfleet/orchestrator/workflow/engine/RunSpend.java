package io.agentfleet.orchestrator.workflow.engine;

import io.agentfleet.orchestrator.workflow.spec.OnBudget;

/** A run's spend and budgets, read from and written to its stored fields. */
final class RunSpend {
    private final RunFields fields;

    RunSpend(RunFields fields) {
        this.fields = fields;
    }

    long tokensIn() {
        return fields.longField(RunFields.F_TOKENS_IN);
    }

    long tokensOut() {
        return fields.longField(RunFields.F_TOKENS_OUT);
    }

    double cost() {
        return fields.doubleField(RunFields.F_COST);
    }

    /** The token budget, or null when the run has none. */
    Long maxTokens() {
        return fields.optionalLong(RunFields.F_MAX_TOKENS);
    }

    /** The cost budget, or null when the run has none. */
    Double maxCost() {
        return fields.optionalDouble(RunFields.F_MAX_COST);
    }

    /** Tokens reserved by the dispatches in flight. */
    long reservedTokens() {
        return fields.longField(RunFields.F_RESERVED_TOKENS);
    }

    void addReserved(long tokens) {
        fields.set(RunFields.F_RESERVED_TOKENS, Long.toString(reservedTokens() + tokens));
    }

    /** What a ready task that does not fit the budget does; a run stored before this choice existed fails. */
    OnBudget onBudget() {
        return OnBudget.valueOf(fields.getOrDefault(RunFields.F_ON_BUDGET, OnBudget.FAIL.name()));
    }

    void addUsage(long in, long out, double addedCost) {
        fields.set(RunFields.F_TOKENS_IN, Long.toString(tokensIn() + in));
        fields.set(RunFields.F_TOKENS_OUT, Long.toString(tokensOut() + out));
        fields.set(RunFields.F_COST, Double.toString(cost() + addedCost));
    }
}
