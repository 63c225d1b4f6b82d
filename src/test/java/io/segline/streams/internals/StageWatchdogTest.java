package io.segline.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StageWatchdogTest {
    private final AtomicLong now = new AtomicLong();
    private final StageWatchdog watchdog = new StageWatchdog(now::get);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void register() {
        Metrics.addRegistry(registry);
    }

    @AfterEach
    void unregister() {
        Metrics.removeRegistry(registry);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    private double overruns(String stage) {
        var counter = registry.find(StageWatchdog.OVERRUNS).tag("stage", stage).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void shouldReportAStagePastItsBoundOnceAndForgetItWhenItEnds() {
        StageWatchdog.Watch watch = watchdog.watch("segment", "image a", 1, Duration.ofSeconds(1));
        advance(Duration.ofMillis(900));
        assertThat(watchdog.check()).isZero();
        advance(Duration.ofMillis(200));
        assertThat(watchdog.check()).isEqualTo(1);
        advance(Duration.ofSeconds(5));
        assertThat(watchdog.check()).as("once per overrun").isZero();
        assertThat(watch.overran()).isTrue();
        assertThat(overruns("segment")).isEqualTo(1);
        watch.close();
        assertThat(watchdog.watching()).isZero();
    }

    @Test
    void shouldScaleTheBoundWithTheBatchAndLeaveAFastStageAlone() {
        try (StageWatchdog.Watch fast = watchdog.watch("measure", "image b", 1, Duration.ofSeconds(1))) {
            advance(Duration.ofMillis(10));
        }
        StageWatchdog.Watch batch = watchdog.watch("segment", "a batch of 4 images", 4, Duration.ofSeconds(1));
        advance(Duration.ofSeconds(3));
        assertThat(watchdog.check()).isZero();
        advance(Duration.ofMillis(1100));
        assertThat(watchdog.check()).isEqualTo(1);
        batch.close();
        assertThat(overruns("measure")).isZero();
    }

    @Test
    void shouldWatchNothingWithAZeroBoundAndReadTheBoundFromTheConfiguration() {
        try (StageWatchdog.Watch off = watchdog.watch("segment", "image c", 1, Duration.ZERO)) {
            assertThat(watchdog.watching()).isZero();
        }
        assertThat(StageWatchdog.boundFrom(Map.of())).isEqualTo(Duration.ofMinutes(1));
        assertThat(StageWatchdog.boundFrom(Map.of(StageWatchdog.KEY, "250"))).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> StageWatchdog.boundFrom(Map.of(StageWatchdog.KEY, "soon"))).hasMessageContaining(StageWatchdog.KEY);
    }
}
