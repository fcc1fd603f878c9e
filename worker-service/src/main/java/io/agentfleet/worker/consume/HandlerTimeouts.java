package io.agentfleet.worker.consume;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The handler timeouts of one task stream, checked by one sweep every {@link #SWEEP_MILLIS} instead of one timer per
 * task: starting and finishing a handler only adds to and removes from a set. The sweep is scheduled only while a
 * handler runs, so an idle worker has no wake-ups; a timeout fires at most one sweep interval after it is due.
 */
final class HandlerTimeouts {
    static final long SWEEP_MILLIS = 10;

    /** One running handler: what to do when it runs out of time, at {@code dueNanos} on {@link System#nanoTime}. */
    interface Watch {
        long dueNanos();

        void expire();
    }

    private final ScheduledExecutorService timer;
    private final Set<Watch> running = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean sweepScheduled = new AtomicBoolean();

    HandlerTimeouts(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    void watch(Watch watch) {
        running.add(watch);
        scheduleSweep();
    }

    void unwatch(Watch watch) {
        running.remove(watch);
    }

    private void scheduleSweep() {
        if (!sweepScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            timer.schedule(this::sweep, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            sweepScheduled.set(false);
            throw e;
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Watch watch : running) {
            if (now - watch.dueNanos() >= 0 && running.remove(watch)) {
                watch.expire();
            }
        }
        sweepScheduled.set(false);
        // A handler that started during the sweep saw it still scheduled, so the next one is scheduled here.
        if (!running.isEmpty()) {
            scheduleSweep();
        }
    }
}
