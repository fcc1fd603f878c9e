/**
 * Result intake: the consumer that supervises the readers of the result streams and claims abandoned outcomes
 * (ResultConsumer), and the application of a batch of outcomes to their runs (BatchApplier).
 */
package io.agentfleet.orchestrator.workflow.intake;
