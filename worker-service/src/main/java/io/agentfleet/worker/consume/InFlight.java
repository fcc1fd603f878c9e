package io.agentfleet.worker.consume;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The entries one agent type's worker has taken and not yet recorded. Slots (permits) are taken before reading, so
 * a read never asks for more entries than can run, and freed when a task's completion is handed to the recorder, so
 * reading the next batch overlaps writing the last; the ids (taken, not yet acknowledged) are what the lease renewer
 * keeps alive and what shutdown waits for.
 */
public final class InFlight {
    private final Permits permits;
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final AtomicInteger gauge;
    private final Object idle = new Object();

    public InFlight(int maxInFlight, AtomicInteger gauge) {
        this(new Permits(maxInFlight), gauge);
    }

    private InFlight(Permits permits, AtomicInteger gauge) {
        this.permits = permits;
        this.gauge = gauge;
    }

    /**
     * Another stream's in-flight entries drawing on the same slots: the partitions of one agent type share its
     * max-in-flight, while each tracks its own entry ids (ids of two streams can be equal).
     */
    public InFlight sharingSlots() {
        return new InFlight(permits, gauge);
    }

    /**
     * Waits up to {@code wait} for a free slot and returns how many are free, without taking them (0 on timeout). The
     * consumer loop reads that many and {@link #take}s what arrives, so a read blocked on an empty stream holds no
     * slots and the reclaimer can still take over a dead worker's entries meanwhile.
     */
    public int awaitFree(Duration wait) throws InterruptedException {
        if (!permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            return 0;
        }
        int free = 1 + permits.availablePermits();
        permits.release(1);
        return free;
    }

    /** Takes slots for entries that arrived, overdrawing when the reclaimer took free slots in the meantime. */
    public void take(int slots) {
        overdraw(slots - tryAcquireUpTo(slots));
    }

    /** Takes up to {@code max} free slots without waiting. */
    public int tryAcquireUpTo(int max) {
        int taken = 0;
        while (taken < max && permits.tryAcquire()) {
            taken++;
        }
        return taken;
    }

    /** Gives back slots that were taken but not used. */
    public void release(int slots) {
        if (slots > 0) {
            permits.release(slots);
        }
    }

    /** Takes slots beyond the free ones (entries that arrived anyway); they come back as those entries finish. */
    public void overdraw(int slots) {
        if (slots > 0) {
            permits.reduce(slots);
        }
    }

    /** Starts tracking an entry whose slot is taken; false when it is already in flight here (a repeat delivery). */
    public boolean track(String entryId) {
        if (ids.add(entryId)) {
            gauge.incrementAndGet();
            return true;
        }
        return false;
    }

    /** The entry's completion is written: stop tracking (and renewing) it. Its slot was freed on submission. */
    public void forget(String entryId) {
        if (ids.remove(entryId)) {
            gauge.decrementAndGet();
            if (ids.isEmpty()) {
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
        }
    }

    public Set<String> snapshot() {
        return Set.copyOf(ids);
    }

    public int count() {
        return ids.size();
    }

    /** Waits until nothing is in flight or the timeout passes; returns whether nothing is in flight. */
    public boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (!ids.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
        return true;
    }

    private static final class Permits extends Semaphore {
        Permits(int permits) {
            super(permits);
        }

        void reduce(int n) {
            reducePermits(n);
        }
    }
}
