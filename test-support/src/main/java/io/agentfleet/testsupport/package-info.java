/**
 * Test fixtures shared by every AgentFleet module: a real Redis per test class ({@link
 * io.agentfleet.testsupport.RedisExtension}, or {@link io.agentfleet.testsupport.RedisProcess}
 * outside JUnit) with fault injection (stop, kill -9, restart on the same port, pause), a real
 * Redis Cluster ({@link io.agentfleet.testsupport.RedisCluster}, also behind {@code
 * RedisExtension.create()} with {@code -Dfleet.test.redis=cluster}) and Sentinel set-up ({@link
 * io.agentfleet.testsupport.RedisSentinelSetup}) with node-by-node fault injection, child
 * JVMs for crash tests ({@link io.agentfleet.testsupport.JavaProcess}), and polling instead of
 * sleeping ({@link io.agentfleet.testsupport.Await}).
 *
 * <pre>{@code
 * class KilledWorkerTest {
 *     @RegisterExtension static final RedisExtension redis = RedisExtension.withAof();
 *
 *     @Test
 *     void killedWorkerLosesNoTask() {
 *         try (JavaProcess worker = JavaProcess.builder(WorkerMain.class).env("REDIS_URL", redis.uri()).start()) {
 *             worker.awaitLog("consuming", Duration.ofSeconds(60));
 *             worker.kill9();
 *         }
 *         Await.until(Duration.ofSeconds(60), () -> pendingCount(redis) == 0, "reclaimed tasks to finish");
 *     }
 * }
 * }</pre>
 */
package io.agentfleet.testsupport;
