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
 * <p>Workflow runs (DAGs of tasks) go through the orchestrator's HTTP API, which owns their validation and state;
 * {@link io.agentfleet.client.FleetWorkflowClient} submits and awaits them:
 *
 * <pre>{@code
 * try (FleetWorkflowClient fleet = FleetWorkflowClient.connect(FleetClientOptions.builder()
 *         .redisUri("redis://127.0.0.1:6379").orchestratorUri("http://127.0.0.1:8080").apiKey(key).build())) {
 *     RunHandle run = fleet.submitWorkflow(Workflow.builder()
 *             .task("research", "researcher", input)
 *             .task("code", "coder", input, Workflow.dependsOn("research"))
 *             .build());                                              // InvalidMessageException, FleetAuthException, RateLimitedException
 *     RunResult result = fleet.awaitRun(run, Duration.ofMinutes(5)); // RunFailedException, RunTimeoutException
 * }
 * }</pre>
 *
 * <p>Operators use {@link io.agentfleet.client.FleetAdminClient}: dead letters (list, redrive, purge) and per-agent-type
 * statistics. A producer's {@code FleetClient} hands out both on its own connections ({@code admin()},
 * {@code workflows()}). All three take the one options type, {@link io.agentfleet.client.FleetClientOptions}.
 *
 * <p>The Redis URL may name one node (a node of a Redis Cluster is detected), a cluster's seed nodes
 * ({@code redis://h1:p1,h2:p2}) or Sentinel ({@code redis-sentinel://s1:p1,s2:p2#master}). A hot agent type can be
 * spread over partitions ({@code partitions(type, n)} on the builder, or {@code FLEET_AGENTS_<TYPE>_PARTITIONS}):
 * tasks go round-robin, or by a partition key when per-key enqueue order matters:
 *
 * <pre>{@code
 * fleet.submit(task, SubmitOptions.partitionKey(orderId)); // same key, same partition, in submit order
 * }</pre>
 *
 * <p>Every exception is a {@link io.agentfleet.messages.FleetException}: {@link io.agentfleet.client.FleetConnectionException}
 * for Redis trouble, {@link io.agentfleet.client.TaskFailedException} (dead-lettered, cancelled, clarification needed)
 * for a task that ended badly, {@link io.agentfleet.client.TaskTimeoutException} when no outcome came in time,
 * {@link io.agentfleet.client.OrchestratorException} (and its subtypes) when the orchestrator refused a request,
 * {@link io.agentfleet.client.RunFailedException} and {@link io.agentfleet.client.RunTimeoutException} for runs,
 * {@link io.agentfleet.client.DurabilityException} when the replicas asked for ({@code waitReplicas}) did not
 * acknowledge an enqueue in time.
 */
package io.agentfleet.client;
