package io.segline.pipeline;

import io.segline.model.ClassProbabilities;
import io.segline.model.Segmenter;
import io.segline.quality.Measurer;
import io.segline.records.EnrichedCaption;
import io.segline.refine.Refiner;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Segment → refine → measure for a batch of validated, enriched captures: the one chain the stream, {@code bench}
 * and {@code evaluate} all run. The batch goes through the model in one call; when that call fails, its images go
 * one by one, so that a bad image fails alone. A stage that throws fails its item, never the batch; the caller
 * learns of every stage through an {@link Observer} (timers, watchdog, spans).
 *
 * <p>Not thread-safe: a pipeline owns no model, but the segmenter and refiner it is given belong to one thread.
 */
public final class Pipeline {
    public static final String SEGMENT = "segment";
    public static final String REFINE = "refine";
    public static final String MEASURE = "measure";

    private final Segmenter segmenter;
    private final Refiner refiner;
    private final Measurer measurer;

    /** A pipeline over the given stages; {@code measurer} may be null (then {@link #run} stops after refining). */
    public Pipeline(Segmenter segmenter, Refiner refiner, Measurer measurer) {
        this.segmenter = segmenter;
        this.refiner = refiner;
        this.measurer = measurer;
    }

    public Segmenter segmenter() {
        return segmenter;
    }

    /** One capture in the pipeline: what it reads, and where it puts what the stages made of it. */
    public interface Item {
        String imageId();

        BufferedImage image();

        EnrichedCaption caption();

        /** Whether a stage (here or before) failed on this item; a failed item is skipped. */
        boolean failed();

        void fail(String stage, RuntimeException error);

        void segmented(ClassProbabilities coarse, double millis);

        void refined(Refiner.Refined refined, double millis);

        /** What the measure stage reads; asked only after segmenting and refining succeeded. */
        default Measurer.Input measureInput() {
            throw new UnsupportedOperationException("this item is not measured");
        }

        default void measured(Measurer.Measured measured, double millis) {
        }
    }

    /** When a stage ran on one item, from when to when on {@link System#nanoTime}'s clock, and the item's share. */
    public record StageRun(String stage, long startNanos, long endNanos, double itemMillis, RuntimeException error) {
    }

    /** What the caller wants to know of the stages; every method is optional. */
    public interface Observer {
        /** A handle open while a stage runs on {@code images} images (a watchdog); null for none. */
        default AutoCloseable watch(String stage, String subject, int images) {
            return null;
        }

        /** The model's call on a whole batch, before the items' own {@code segment} runs are reported. */
        default void batch(List<? extends Item> items, long startNanos, long endNanos, boolean failed) {
        }

        /** One stage on one item, ended (with the error that failed the item, or null). */
        default void stage(Item item, StageRun run) {
        }
    }

    /** The observer that wants to know nothing. */
    public static final Observer QUIET = new Observer() {
    };

    /** Runs the stages on the items not failed yet, in order; each item ends refined (and measured) or failed. */
    public void run(List<? extends Item> items, Observer observer) {
        List<? extends Item> ready = items.stream().filter(i -> !i.failed()).toList();
        if (ready.isEmpty()) {
            return;
        }
        segmentAndRefine(ready, observer);
        if (measurer != null) {
            measure(ready, observer);
        }
    }

    private void segmentAndRefine(List<? extends Item> ready, Observer observer) {
        String subject = ready.size() == 1 ? "image " + ready.get(0).imageId()
                : "a batch of " + ready.size() + " images from " + ready.get(0).imageId();
        long t0 = System.nanoTime();
        List<ClassProbabilities> coarse;
        try (AutoCloseable watch = observer.watch(SEGMENT, subject, ready.size())) {
            coarse = segmenter.segmentBatch(ready.stream().map(Item::image).toList(), ready.stream().map(Item::caption).toList());
        } catch (Exception batchFailure) {
            // One bad image must not fail its batch: segment one by one to find it.
            coarse = null;
        }
        long batchEnd = System.nanoTime();
        observer.batch(ready, t0, batchEnd, coarse == null);
        double perItem = (batchEnd - t0) / 1e6 / ready.size();
        for (int i = 0; i < ready.size(); i++) {
            Item item = ready.get(i);
            long started = System.nanoTime();
            ClassProbabilities probabilities;
            try (AutoCloseable watch = coarse != null ? null : observer.watch(SEGMENT, "image " + item.imageId(), 1)) {
                probabilities = coarse != null ? coarse.get(i) : segmenter.segment(item.image(), item.caption());
            } catch (RuntimeException e) {
                failed(item, SEGMENT, started, e, observer);
                continue;
            } catch (Exception e) {
                throw new IllegalStateException("A stage watch failed to close", e);
            }
            long end = coarse != null ? batchEnd : System.nanoTime();
            double millis = coarse != null ? perItem : (end - started) / 1e6;
            item.segmented(probabilities, millis);
            observer.stage(item, new StageRun(SEGMENT, coarse != null ? t0 : started, end, millis, null));

            started = System.nanoTime();
            Refiner.Refined refined;
            try (AutoCloseable watch = observer.watch(REFINE, "image " + item.imageId(), 1)) {
                refined = refiner.refine(item.image(), probabilities, item.caption());
            } catch (RuntimeException e) {
                failed(item, REFINE, started, e, observer);
                continue;
            } catch (Exception e) {
                throw new IllegalStateException("A stage watch failed to close", e);
            }
            end = System.nanoTime();
            item.refined(refined, (end - started) / 1e6);
            observer.stage(item, new StageRun(REFINE, started, end, (end - started) / 1e6, null));
        }
    }

    private void measure(List<? extends Item> items, Observer observer) {
        for (Item item : items) {
            if (item.failed()) {
                continue;
            }
            long started = System.nanoTime();
            Measurer.Measured measured;
            try (AutoCloseable watch = observer.watch(MEASURE, "image " + item.imageId(), 1)) {
                measured = measurer.measure(item.measureInput());
            } catch (RuntimeException e) {
                failed(item, MEASURE, started, e, observer);
                continue;
            } catch (Exception e) {
                throw new IllegalStateException("A stage watch failed to close", e);
            }
            long end = System.nanoTime();
            item.measured(measured, (end - started) / 1e6);
            observer.stage(item, new StageRun(MEASURE, started, end, (end - started) / 1e6, null));
        }
    }

    private static void failed(Item item, String stage, long started, RuntimeException error, Observer observer) {
        long end = System.nanoTime();
        observer.stage(item, new StageRun(stage, started, end, (end - started) / 1e6, error));
        item.fail(stage, error);
    }
}
