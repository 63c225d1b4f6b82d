package io.segline.cli;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.records.ImageCaptured;
import io.segline.records.ImageReference;
import io.segline.records.InlineImage;
import io.segline.topics.Topics;
import io.segline.tracing.Tracing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Produces captures to the images topic: idempotent, acks=all, sized for image records. Images up to
 * {@code segline.max.inline.bytes} travel inline; larger ones by claim check ({@code file://} URI of the
 * file, which the line must be allowed to read through {@code segline.claim.check.roots}).
 */
public final class CaptureProducer implements AutoCloseable {
    private final KafkaProducer<String, ImageCaptured> producer;
    private final String topic;
    private final long maxInlineBytes;
    private final Tracing tracing;
    private final boolean ownsTracing;

    /** A producer with the tracing its configuration asks for ({@code segline.tracing.*}). */
    public CaptureProducer(SeglineConfig config) {
        this(config, Tracing.from(config), true);
    }

    /** A producer whose spans go to {@code tracing}; the caller closes it. */
    public CaptureProducer(SeglineConfig config, Tracing tracing) {
        this(config, tracing, false);
    }

    private CaptureProducer(SeglineConfig config, Tracing tracing, boolean ownsTracing) {
        this.tracing = tracing;
        this.ownsTracing = ownsTracing;
        Topics topics = Topics.from(config);
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.getInt(Keys.MAX_RECORD_BYTES) + 1024 * 1024);
        this.producer = new KafkaProducer<>(props, topics.images().keySerde().serializer(), topics.images().valueSerde().serializer());
        this.topic = topics.images().name();
        this.maxInlineBytes = config.getLong(Keys.MAX_INLINE_BYTES);
    }

    /** A capture of an image file: inline when small enough, otherwise by claim check. */
    public ImageCaptured capture(String imageId, Path image, String caption, String lineId, String scannerId, Path groundTruth) {
        try {
            long size = Files.size(image);
            ImageCaptured.Builder builder = ImageCaptured.newBuilder()
                    .setImageId(imageId)
                    .setLineId(lineId)
                    .setScannerId(scannerId)
                    .setCapturedAt(Instant.now())
                    .setCaption(caption)
                    .setContentType(contentType(image))
                    .setMetadata(Map.of("sourceFile", image.getFileName().toString()));
            if (size <= maxInlineBytes) {
                builder.setImage(InlineImage.newBuilder().setData(ByteBuffer.wrap(Files.readAllBytes(image))).build());
            } else {
                builder.setImage(ImageReference.newBuilder().setUri(image.toAbsolutePath().normalize().toUri().toString())
                        .setSizeBytes(size).build());
            }
            if (groundTruth != null) {
                builder.setGroundTruthMask(ByteBuffer.wrap(Files.readAllBytes(groundTruth)));
            }
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + image, e);
        }
    }

    public Future<RecordMetadata> send(ImageCaptured capture) {
        return send(capture, error -> { });
    }

    /**
     * Sends and reports the outcome (null on success) from the producer's I/O thread. With tracing on, the
     * capture starts its trace here: a {@code segline produce} span, named by the record's traceparent header.
     */
    public Future<RecordMetadata> send(ImageCaptured capture, java.util.function.Consumer<Exception> outcome) {
        Span span = tracing.start(PRODUCE_SPAN, Context.root(), SpanKind.PRODUCER, capture.getImageId());
        ProducerRecord<String, ImageCaptured> record = new ProducerRecord<>(topic, capture.getImageId(), capture);
        Tracing.inject(Context.root().with(span), record.headers());
        return producer.send(record, (metadata, error) -> {
            if (error != null) {
                span.recordException(error);
                span.setStatus(StatusCode.ERROR, error.getMessage());
            }
            span.end();
            outcome.accept(error);
        });
    }

    /** The span of sending one capture to the images topic. */
    public static final String PRODUCE_SPAN = "segline produce";

    public String topic() {
        return topic;
    }

    public void flush() {
        producer.flush();
    }

    static String contentType(Path image) {
        String name = image.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (name.endsWith(".tif") || name.endsWith(".tiff")) {
            return "image/tiff";
        }
        return "image/png";
    }

    @Override
    public void close() {
        producer.close();
        if (ownsTracing) {
            tracing.close();
        }
    }
}
