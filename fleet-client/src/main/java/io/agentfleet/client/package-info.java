/**
 * The embeddable AgentFleet producer library: submit tasks straight onto Redis and await their outcomes, with no DI
 * container and no Netty (Jedis only).
 *
 * <pre>{@code
 * try (FleetClient fleet = FleetClient.connect("redis://127.0.0.1:6379")) {
 *     TaskHandle handle = fleet.submit("coder", input);          // BackpressureException, InvalidMessageException
 *     TaskResult result = fleet.await(handle, Duration.ofMinutes(2)); // TaskFailedException subtypes, TaskTimeoutException
 * }
 * }</pre>
 *
 * <p>Every exception is a {@link io.agentfleet.messages.FleetException}: {@link io.agentfleet.client.FleetConnectionException}
 * for Redis trouble, {@link io.agentfleet.client.TaskFailedException} (dead-lettered, cancelled, clarification needed)
 * for a task that ended badly, {@link io.agentfleet.client.TaskTimeoutException} when no outcome came in time.
 */
package io.agentfleet.client;
