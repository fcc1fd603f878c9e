package io.agentfleet.worker.consume;

import static io.agentfleet.worker.testdata.TaskBuilder.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.Metadata;
import io.agentfleet.tracing.MessageTracing;
import io.agentfleet.worker.metrics.WorkerMetrics;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.LeaseLostException;
import io.agentfleet.worker.spi.TaskCheckpoints;
import io.agentfleet.worker.spi.TaskContext;
import io.agentfleet.worker.testdata.TaskBuilder;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HandlerInvokerTest {
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final MessageCodec CODEC = new MessageCodec();

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void handlerThatReturnsSucceedsWithItsResult() {
        HandlerResult result =
                HandlerResult.of(JsonNodeFactory.instance.objectNode().put("ok", true));

        HandlerOutcome outcome = invoke(aTask(), (task, context) -> result);

        assertEquals(
                result,
                assertInstanceOf(HandlerOutcome.Succeeded.class, outcome).result());
    }

    @Test
    void handlerFailureIsReportedWithWhatTheAttemptSpent() {
        Metadata spent = new Metadata(10L, 5L, null, null, null, null);
        HandlerFailure failure =
                HandlerFailure.permanent("BAD_INPUT", "no prompt").withUsage(spent);

        HandlerOutcome.Failed failed =
                assertInstanceOf(HandlerOutcome.Failed.class, invoke(aTask(), (task, context) -> {
                    throw failure;
                }));

        assertEquals(Failure.permanent("BAD_INPUT", "no prompt"), failed.failure());
        assertEquals(spent, failed.spent());
    }

    @Test
    void lostLeaseEndsTheAttemptWithoutAFailure() {
        HandlerOutcome.LeaseLost lost =
                assertInstanceOf(HandlerOutcome.LeaseLost.class, invoke(aTask(), (task, context) -> {
                    throw new LeaseLostException(task.taskId(), "1-0", context.workerId());
                }));

        assertTrue(lost.reason().contains("another worker took it over"), lost.reason());
    }

    @Test
    void anyOtherExceptionIsARetryableHandlerError() {
        HandlerOutcome.Failed failed =
                assertInstanceOf(HandlerOutcome.Failed.class, invoke(aTask(), (task, context) -> {
                    throw new IllegalStateException("bug");
                }));

        assertEquals(Failure.retryable("HANDLER_ERROR", "IllegalStateException: bug"), failed.failure());
    }

    @Test
    void nullResultIsARetryableHandlerError() {
        HandlerOutcome.Failed failed =
                assertInstanceOf(HandlerOutcome.Failed.class, invoke(aTask(), (task, context) -> null));

        assertEquals("HANDLER_ERROR", failed.failure().type());
        assertTrue(failed.failure().retryable());
    }

    @Test
    void handlerSeesItsAttemptAndADeadlineCappedByTheTasks() {
        Instant taskDeadline = NOW.plusSeconds(5);
        AtomicReference<TaskContext> seen = new AtomicReference<>();

        invoke(aTask().atAttempt(2).withDeadline(taskDeadline), (task, context) -> {
            seen.set(context);
            return HandlerResult.of(JsonNodeFactory.instance.objectNode());
        });

        assertEquals(2, seen.get().attempt());
        assertEquals(3, seen.get().maxAttempts());
        assertEquals(taskDeadline, seen.get().deadline(), "the task's deadline comes before the 30 s timeout");
    }

    @Test
    void handlerPastItsTimeIsInterruptedAndReportedTimedOut() throws Exception {
        // The task's deadline, 50 ms after the fixed now, is the handler's time: the timer fires after 50 ms.
        CompletableFuture<HandlerOutcome> outcome = new CompletableFuture<>();
        Thread runner = Thread.ofVirtual()
                .start(() -> invoker().invoke(taskOf(aTask().withDeadline(NOW.plusMillis(50))), outcome::complete));
        HandlerOutcome reported = outcome.get(30, TimeUnit.SECONDS);

        assertInstanceOf(HandlerOutcome.TimedOut.class, reported);
        runner.join(TimeUnit.SECONDS.toMillis(30));
    }

    private HandlerOutcome invoke(TaskBuilder task, Handle handle) {
        AtomicReference<HandlerOutcome> outcome = new AtomicReference<>();
        invokerFor(handle).invoke(taskOf(task), outcome::set);
        return outcome.get();
    }

    private HandlerInvoker invoker() {
        return invokerFor((task, context) -> {
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            return null;
        });
    }

    private HandlerInvoker invokerFor(Handle handle) {
        AgentHandler handler = new AgentHandler() {
            @Override
            public String agentType() {
                return "coder";
            }

            @Override
            public HandlerResult handle(AgentMessage task, TaskContext context) throws Exception {
                return handle.apply(task, context);
            }
        };
        return new HandlerInvoker(
                DeliveryInspectorTest.CODER,
                "worker-1",
                "fleet:{coder}:tasks",
                handler,
                CODEC,
                WorkerMetrics.inMemory().forAgent("coder"),
                Clock.fixed(NOW, ZoneOffset.UTC),
                timer,
                new MessageTracing(OpenTelemetry.noop(), "test"),
                task -> TaskCheckpoints.inMemory(task.attempt(), Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    private static Task taskOf(TaskBuilder builder) {
        Delivery delivery = builder.deliveredAs("1-0");
        return new Task(delivery, CODEC.decode(delivery.body()), 3);
    }

    @FunctionalInterface
    private interface Handle {
        HandlerResult apply(AgentMessage task, TaskContext context) throws Exception;
    }
}
