/**
 * Retries: {@link io.agentfleet.worker.retry.RetryPolicy} decides whether a failed attempt runs again (and when) or is
 * dead-lettered, with {@link io.agentfleet.worker.retry.Backoff}'s jittered delay; {@link
 * io.agentfleet.worker.retry.Promoter} moves due retries and scheduled tasks from the delayed set to the task stream.
 */
package io.agentfleet.worker.retry;
