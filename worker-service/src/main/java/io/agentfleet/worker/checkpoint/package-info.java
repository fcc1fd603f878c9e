/**
 * Handler checkpoints: a running task's progress saved under {@code prefix:{A}:checkpoint:TASKID} through {@link
 * io.agentfleet.worker.spi.TaskContext#checkpoint}, read back by the task's next attempt, deleted with its outcome.
 */
package io.agentfleet.worker.checkpoint;
