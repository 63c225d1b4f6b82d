package io.segline.streams.internals;

import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a stage that runs longer than its bound ({@code segline.stage.watchdog.ms} per record): it
 * logs a warning naming the stage, the record, the thread and where that thread is, and counts it in
 * {@value #OVERRUNS} (tagged by stage), once per overrun; when the stage finishes after all, it logs how
 * long it took. It does not interrupt anything: a stage that cannot be interrupted safely (a native
 * forward pass) is better reported than killed, and the claim-check reader bounds its own reads.
 *
 * <p>One checker thread per process, a daemon, wakes every {@link #PERIOD_MS} ms; a watch costs one map
 * entry for the duration of its stage.
 */
public final class StageWatchdog {
    public static final String OVERRUNS = "segline.stage.overruns";
    /** The configuration key of the bound per record, in milliseconds (0 turns the watchdog off). */
    public static final String KEY = io.segline.config.SeglineConfig.Keys.STAGE_WATCHDOG_MS;
    static final long PERIOD_MS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(StageWatchdog.class);
    private static final StageWatchdog SHARED = new StageWatchdog(System::nanoTime);

    private final LongSupplier clock;
    private final Set<Watch> running = ConcurrentHashMap.newKeySet();
    private volatile ScheduledExecutorService checker;

    StageWatchdog(LongSupplier clock) {
        this.clock = clock;
    }

    /** The process's watchdog. */
    public static StageWatchdog shared() {
        return SHARED;
    }

    /** The bound per record from a stream task's configuration ({@code 60000} ms unless set; 0 for none). */
    public static Duration boundFrom(Map<String, ?> appConfigs) {
        Object value = appConfigs.get(KEY);
        String millis = value == null ? io.segline.config.SeglineConfig.of(Map.of()).get(KEY) : value.toString().trim();
        try {
            return Duration.ofMillis(Math.max(0, Long.parseLong(millis)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(KEY + " must be a whole number of milliseconds, not '" + millis + "'", e);
        }
    }

    /**
     * Starts watching a stage on the current thread: close the watch when the stage ends. {@code records}
     * scales the bound for a batch. A zero bound gives a watch that does nothing.
     */
    public Watch watch(String stage, String subject, int records, Duration perRecord) {
        Watch watch = new Watch(stage, subject, Thread.currentThread(), clock.getAsLong(),
                perRecord.toNanos() * Math.max(1, records));
        if (watch.boundNanos > 0) {
            running.add(watch);
            startChecker();
        }
        return watch;
    }

    private void startChecker() {
        if (checker == null) {
            synchronized (this) {
                if (checker == null) {
                    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "segline-stage-watchdog");
                        t.setDaemon(true);
                        return t;
                    });
                    s.scheduleWithFixedDelay(this::check, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
                    checker = s;
                }
            }
        }
    }

    /** Reports every watched stage past its bound that has not been reported yet; returns how many it reported. */
    int check() {
        long now = clock.getAsLong();
        int reported = 0;
        for (Watch w : running) {
            long ran = now - w.startNanos;
            if (ran > w.boundNanos && !w.overran) {
                w.overran = true;
                reported++;
                Metrics.counter(OVERRUNS, "stage", w.stage).increment();
                String where = Arrays.stream(w.thread.getStackTrace()).limit(6).map(StackTraceElement::toString)
                        .collect(Collectors.joining(" < "));
                LOG.warn("Stage '{}' has run {} ms on {} (bound {} ms, {}) on thread {}; it is at {}", w.stage,
                        TimeUnit.NANOSECONDS.toMillis(ran), w.subject, TimeUnit.NANOSECONDS.toMillis(w.boundNanos), KEY,
                        w.thread.getName(), where.isEmpty() ? "an unknown place" : where);
            }
        }
        return reported;
    }

    /** How many stages are being watched now. */
    int watching() {
        return running.size();
    }

    /** One stage on one record (or batch), from start to close. */
    public final class Watch implements AutoCloseable {
        private final String stage;
        private final String subject;
        private final Thread thread;
        private final long startNanos;
        private final long boundNanos;
        private volatile boolean overran;

        private Watch(String stage, String subject, Thread thread, long startNanos, long boundNanos) {
            this.stage = stage;
            this.subject = subject;
            this.thread = thread;
            this.startNanos = startNanos;
            this.boundNanos = boundNanos;
        }

        /** Whether this stage was reported as past its bound. */
        public boolean overran() {
            return overran;
        }

        @Override
        public void close() {
            if (running.remove(this) && overran) {
                LOG.info("Stage '{}' on {} finished after {} ms", stage, subject,
                        TimeUnit.NANOSECONDS.toMillis(clock.getAsLong() - startNanos));
            }
        }
    }
}
