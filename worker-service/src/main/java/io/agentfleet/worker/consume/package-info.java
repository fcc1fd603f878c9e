/**
 * Consuming one agent type's task stream: the consumer loop and reclaimer read deliveries, and {@link
 * io.agentfleet.worker.consume.TaskProcessor} takes each through the task path: inspect ({@code DeliveryInspector}),
 * invoke the handler ({@code HandlerInvoker}), decide on a failure ({@link io.agentfleet.worker.retry.RetryPolicy})
 * and complete ({@code TaskCompletions}, handed to {@link io.agentfleet.worker.outcome.OutcomeRecorder}).
 */
package io.agentfleet.worker.consume;
