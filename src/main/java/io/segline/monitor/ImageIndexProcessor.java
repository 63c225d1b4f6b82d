package io.segline.monitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the latest {@link ImageSummary} per image (for {@code /api/images/{id}}) and the ids of the latest
 * images per line (for the dashboard), in changelogged stores; summaries older than the retention are
 * removed by a wall-clock punctuation so the stores do not grow without end.
 */
public final class ImageIndexProcessor<V> implements Processor<String, V, Void, Void> {
    public static final String IMAGES_STORE = "image-results-store";
    public static final String LATEST_STORE = "line-latest-store";
    static final int LATEST_PER_LINE = 6;

    private final Function<V, ImageSummary> summarise;
    private final Duration retention;
    private KeyValueStore<String, ImageSummary> images;
    private KeyValueStore<String, LatestImages> latest;

    /** The latest image ids of one line, newest first. */
    public record LatestImages(List<String> imageIds) {
    }

    public ImageIndexProcessor(Function<V, ImageSummary> summarise, Duration retention) {
        this.summarise = summarise;
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        images = context.getStateStore(IMAGES_STORE);
        latest = context.getStateStore(LATEST_STORE);
        context.schedule(Duration.ofMinutes(10), PunctuationType.WALL_CLOCK_TIME, this::evict);
    }

    @Override
    public void process(Record<String, V> record) {
        ImageSummary summary = summarise.apply(record.value());
        images.put(summary.imageId(), summary);
        LatestImages previous = latest.get(summary.lineId());
        List<String> ids = new ArrayList<>();
        ids.add(summary.imageId());
        if (previous != null) {
            previous.imageIds().stream().filter(id -> !id.equals(summary.imageId())).limit(LATEST_PER_LINE - 1).forEach(ids::add);
        }
        latest.put(summary.lineId(), new LatestImages(ids));
    }

    private void evict(long now) {
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, ImageSummary> all = images.all()) {
            while (all.hasNext()) {
                KeyValue<String, ImageSummary> entry = all.next();
                if (now - entry.value.producedAt() > retention.toMillis()) {
                    old.add(entry.key);
                }
            }
        }
        old.forEach(images::delete);
    }
}
