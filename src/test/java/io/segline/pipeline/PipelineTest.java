package io.segline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.model.BaselineSegmenter;
import io.segline.model.ClassProbabilities;
import io.segline.model.Segmenter;
import io.segline.records.EnrichedCaption;
import io.segline.refine.NoRefinement;
import io.segline.refine.Refiner;
import io.segline.testing.TestCaptions;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one chain: a failing image fails alone, in whichever stage, and the caller hears of every stage. */
class PipelineTest {

    @Test
    void shouldSegmentTheRestOneByOneWhenTheBatchCallFailsAndFailOnlyTheBadImage() {
        Recorder observer = new Recorder();
        List<Item> items = List.of(new Item("a", 64), new Item("poison", 13), new Item("c", 64));
        new Pipeline(new Poisoned(), new NoRefinement(), null).run(items, observer);

        assertThat(observer.batches).containsExactly("3 failed=true");
        assertThat(items.get(0).refined()).isNotNull();
        assertThat(items.get(2).refined()).isNotNull();
        assertThat(items.get(1).failedStage()).isEqualTo(Pipeline.SEGMENT);
        assertThat(items.get(1).refined()).isNull();
        assertThat(observer.stages).containsExactly("a segment ok", "a refine ok", "poison segment failed", "c segment ok", "c refine ok");
    }

    @Test
    void shouldFailAnItemInTheRefinerWithoutTouchingTheOthersAndSkipItemsThatFailedBefore() {
        Recorder observer = new Recorder();
        Item earlier = new Item("earlier", 64);
        earlier.fail("validate", new IllegalStateException("corrupt"));
        List<Item> items = List.of(new Item("a", 64), new Item("b", 40), earlier);
        Refiner refusesNarrow = new Refiner() {
            @Override
            public Refined refine(BufferedImage image, ClassProbabilities coarse, EnrichedCaption caption) {
                if (image.getWidth() < 64) {
                    throw new IllegalArgumentException("too narrow");
                }
                return new NoRefinement().refine(image, coarse, caption);
            }

            @Override
            public String name() {
                return "refuses-narrow";
            }
        };
        new Pipeline(new BaselineSegmenter(), refusesNarrow, null).run(items, observer);

        assertThat(observer.batches).containsExactly("2 failed=false");
        assertThat(items.get(0).refined()).isNotNull();
        assertThat(items.get(1).failedStage()).isEqualTo(Pipeline.REFINE);
        assertThat(earlier.failedStage()).isEqualTo("validate");
        assertThat(observer.stages).containsExactly("a segment ok", "a refine ok", "b segment ok", "b refine failed");
        assertThat(observer.segmentShares).as("a batch's time is shared by its members").allSatisfy(ms -> assertThat(ms).isPositive());
    }

    /** The baseline segmenter, refusing a batch or image that holds a 13-pixel-wide painting. */
    private static final class Poisoned implements Segmenter {
        private final BaselineSegmenter baseline = new BaselineSegmenter();

        @Override
        public ClassProbabilities segment(BufferedImage image, EnrichedCaption caption) {
            if (image.getWidth() == 13) {
                throw new IllegalStateException("poison");
            }
            return baseline.segment(image, caption);
        }

        @Override
        public List<ClassProbabilities> segmentBatch(List<BufferedImage> images, List<EnrichedCaption> captions) {
            if (images.stream().anyMatch(i -> i.getWidth() == 13)) {
                throw new IllegalStateException("poisoned batch");
            }
            return Segmenter.super.segmentBatch(images, captions);
        }

        @Override
        public String name() {
            return "poisoned";
        }

        @Override
        public String modelName() {
            return "poisoned";
        }

        @Override
        public String modelVersion() {
            return "1";
        }
    }

    /** A blank painting of the given width, captioned. */
    private static final class Item extends Capture {
        Item(String id, int width) {
            super(id, new BufferedImage(width, 80, BufferedImage.TYPE_INT_RGB), TestCaptions.enriched("a seated figure with a halo"));
        }
    }

    private static final class Recorder implements Pipeline.Observer {
        final List<String> batches = new ArrayList<>();
        final List<String> stages = new ArrayList<>();
        final List<Double> segmentShares = new ArrayList<>();

        @Override
        public void batch(List<? extends Pipeline.Item> items, long startNanos, long endNanos, boolean failed) {
            batches.add(items.size() + " failed=" + failed);
        }

        @Override
        public void stage(Pipeline.Item item, Pipeline.StageRun run) {
            stages.add(item.imageId() + " " + run.stage() + " " + (run.error() == null ? "ok" : "failed"));
            assertThat(run.endNanos()).isGreaterThanOrEqualTo(run.startNanos());
            if (run.stage().equals(Pipeline.SEGMENT) && run.error() == null) {
                segmentShares.add(run.itemMillis());
            }
        }
    }
}
