package io.agentfleet.worker.consume;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a job every interval on a virtual thread until stopped; a failing run is logged and the next one comes. */
final class Periodic {
    private static final Logger LOG = LoggerFactory.getLogger(Periodic.class);

    interface Job {
        void run() throws Exception;
    }

    private final String name;
    private final Duration interval;
    private final Job job;
    private volatile boolean stopped;
    private Thread thread;
    private int failures;
    private boolean working;

    Periodic(String name, Duration interval, Job job) {
        this.name = name;
        this.interval = interval;
        this.job = job;
    }

    synchronized void start() {
        thread = Thread.ofVirtual().name(name).start(this::loop);
    }

    private void loop() {
        while (!stopped) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (stopped) {
                    return;
                }
                working = true;
            }
            try {
                job.run();
                failures = 0;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                failures++;
                if (failures == 1 || failures % 20 == 0) {
                    LOG.warn("{} failed ({} time(s) in a row): {}", name, failures, e.toString());
                }
            } finally {
                synchronized (this) {
                    working = false;
                }
            }
        }
    }

    /** Stops after the current run (which is not interrupted, so a claim is never half handled); ends a sleep. */
    synchronized void stop() {
        stopped = true;
        if (thread != null && !working) {
            thread.interrupt();
        }
    }

    /** Waits for the thread to end. */
    void join(Duration timeout) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.join(timeout);
        }
    }
}
