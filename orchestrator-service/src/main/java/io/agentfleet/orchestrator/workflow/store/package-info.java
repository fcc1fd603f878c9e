/** The run store in Redis and the key names it uses; commits a transition atomically or retries on a concurrent change. */
package io.agentfleet.orchestrator.workflow.store;
