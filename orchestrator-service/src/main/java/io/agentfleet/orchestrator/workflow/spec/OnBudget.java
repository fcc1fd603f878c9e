package io.agentfleet.orchestrator.workflow.spec;

/**
 * What a run does with a ready task whose token reservation does not fit its budget ({@code budget.onBudget}): end
 * {@code BUDGET_EXCEEDED} at once, or keep the task waiting until reservations of tasks in flight settle (ending
 * {@code BUDGET_EXCEEDED} when nothing is in flight and it still does not fit, so a run never hangs).
 */
public enum OnBudget {
    FAIL,
    WAIT
}
