/** Why a task is dead-lettered: {@link io.agentfleet.worker.deadletter.DeadLetterCause}, one factory per way. */
package io.agentfleet.worker.deadletter;
