/** Result intake: the consumer that reads task outcomes from the result streams and applies them to runs. */
package io.agentfleet.orchestrator.workflow.intake;
