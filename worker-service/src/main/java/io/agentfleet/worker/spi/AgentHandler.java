package io.agentfleet.worker.spi;

import io.agentfleet.messages.AgentMessage;

/**
 * The code that does an agent type's work. A worker runs {@link #handle} on a virtual thread for every task on
 * {@code prefix:{agentType}:tasks}, with a bounded number in flight, and records what it returns as the task's one
 * outcome.
 *
 * <p>Delivery is at least once: after a crash a task may run again, so handlers should be idempotent or tolerate a
 * repeat (only the first outcome is recorded); a long handler saves its progress with {@link TaskContext#checkpoint},
 * and the next attempt resumes from {@link TaskContext#lastCheckpoint} instead of starting over. A handler signals failure by throwing {@link HandlerFailure} (retryable
 * or not, as data); any other exception counts as a retryable {@code HANDLER_ERROR}. A handler that blocks (an HTTP
 * call, a sleep) should simply block: it runs on a virtual thread and is interrupted when its timeout passes.
 *
 * <p>Handlers are found as Micronaut beans or through {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/io.agentfleet.worker.spi.AgentHandler} file in your jar), so a custom agent needs no
 * annotation processing. Implementations must be thread-safe: one instance handles many tasks at once.
 */
public interface AgentHandler {

    /** The agent type this handler serves, e.g. {@code coder}; a valid {@link io.agentfleet.messages.Names} agent type. */
    String agentType();

    /**
     * Runs one task.
     *
     * @param task the validated REQUEST; its {@code content} is the payload
     * @param context the attempt, the deadline, the worker's identity and helpers
     * @return the output (and usage) to record as the task's RESULT
     * @throws HandlerFailure to fail with a typed, retryable or permanent failure
     * @throws Exception anything else fails the attempt retryably
     */
    HandlerResult handle(AgentMessage task, TaskContext context) throws Exception;

    /**
     * What the agent type offers as a tool to the fleet's agent loops, or null (the default) when it is no tool: the
     * worker publishes it when it starts, and an agent task may then name the type in its {@code tools}. The
     * arguments a model passes arrive as {@code content.input}.
     */
    default ToolDescription tool() {
        return null;
    }
}
