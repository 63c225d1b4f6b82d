package io.segline.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.line.StreamsRunner;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParallelismTest {

    private static SeglineConfig config(Map<String, String> values) {
        return SeglineConfig.of(values);
    }

    @Test
    void shouldRunOneSingleThreadedModelPerCoreOnACpuByDefault() {
        Parallelism p = Parallelism.of(config(Map.of(Keys.DEVICE, "cpu")), 4);

        assertThat(p.streamThreads()).isEqualTo(4);
        assertThat(p.modelThreads()).isEqualTo(1);
        assertThat(p.reason()).contains("one per core");
    }

    @Test
    void shouldShareTheCoresAmongExplicitStreamThreads() {
        Parallelism p = Parallelism.of(config(Map.of(Keys.DEVICE, "cpu", Parallelism.STREAM_THREADS, "2")), 8);

        assertThat(p.streamThreads()).isEqualTo(2);
        assertThat(p.modelThreads()).isEqualTo(4);
    }

    @Test
    void shouldGiveEveryModelAtLeastOneThreadWhenThereAreMoreStreamThreadsThanCores() {
        Parallelism p = Parallelism.of(config(Map.of(Keys.DEVICE, "cpu", Parallelism.STREAM_THREADS, "3")), 2);

        assertThat(p.streamThreads()).isEqualTo(3);
        assertThat(p.modelThreads()).isEqualTo(1);
    }

    @Test
    void shouldKeepExplicitModelThreads() {
        Parallelism p = Parallelism.of(config(Map.of(Keys.DEVICE, "cpu", Keys.MODEL_THREADS, "2")), 2);

        assertThat(p.streamThreads()).isEqualTo(2);
        assertThat(p.modelThreads()).isEqualTo(2);
        assertThat(p.reason()).contains("model threads as set");
    }

    @Test
    void shouldLeaveModelThreadsAloneWithoutADiffusionModel() {
        Parallelism p = Parallelism.of(config(Map.of(Keys.SEGMENTER, "baseline")), 2);

        assertThat(p.streamThreads()).isEqualTo(2);
        assertThat(p.modelThreads()).isZero();
    }

    @Test
    void shouldPassTheStreamThreadsToKafkaStreams() {
        SeglineConfig config = config(Map.of(Keys.APPLICATION_ID, "app", Keys.DEVICE, "cpu"));

        assertThat(StreamsRunner.streamsProperties(config).get(Parallelism.STREAM_THREADS))
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(StreamsRunner.streamsProperties(config(Map.of(Keys.APPLICATION_ID, "app", Parallelism.STREAM_THREADS, "3")))
                .get(Parallelism.STREAM_THREADS)).isEqualTo(3);
    }

    @Test
    void shouldRefuseStreamThreadsThatAreNotAPositiveWholeNumber() {
        for (String bad : new String[] {"two", "0", "-1", "1.5"}) {
            assertThatThrownBy(() -> Parallelism.of(config(Map.of(Parallelism.STREAM_THREADS, bad)), 2))
                    .hasMessageContaining("num.stream.threads must be a whole number of at least 1, not '" + bad + "'");
        }
    }

    @Test
    void shouldWarnOfAStreamThreadWithoutAnImagesPartition() {
        assertThat(Parallelism.idleModels(Map.of("t1", 1, "t2", 1))).isNull();
        assertThat(Parallelism.idleModels(Map.of("t1", 2, "t2", 0)))
                .startsWith("1 of 2 stream threads hold no partition of the images topic, so their models are idle (t2)")
                .contains("another thread holds 2");
        assertThat(Parallelism.idleModels(Map.of("t1", 1, "t2", 0, "t3", 0)))
                .startsWith("2 of 3 stream threads hold no partition of the images topic, so their models are idle (t2, t3)")
                .contains("give the images topic at least as many partitions");
    }

    @Test
    void shouldRefuseNegativeModelThreads() {
        assertThatThrownBy(() -> Parallelism.of(config(Map.of(Keys.MODEL_THREADS, "-2")), 2))
                .hasMessageContaining("segline.model.threads must be 0 (automatic) or more, not -2");
    }
}
