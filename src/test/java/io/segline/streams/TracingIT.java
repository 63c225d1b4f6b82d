package io.segline.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.segline.cli.CaptureProducer;
import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.line.StreamsRunner;
import io.segline.records.DeadLetter;
import io.segline.records.ImageCaptured;
import io.segline.records.SegmentationResult;
import io.segline.testing.TestCluster;
import io.segline.testing.TestImages;
import io.segline.topics.Topics;
import io.segline.tracing.Tracing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One trace per capture across processes: spans recorded by the producer and by two line instances (each
 * with its own SDK, exporting to one in-memory exporter) share the capture's trace id, carried in the
 * records' traceparent headers; the result and the dead letter name it.
 */
@Tag("integration")
class TracingIT {
    private static final AttributeKey<String> INSTANCE = AttributeKey.stringKey("service.instance.id");
    private static final AttributeKey<String> IMAGE = AttributeKey.stringKey("segline.image.id");
    private static final List<String> LINE_SPANS = List.of("segline capture", "validate", "enrich", "segment", "refine", "measure",
            "publish", "monitor");

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();

    @Test
    void shouldFollowEachCaptureFromTheProducerThroughBothInstancesUnderOneTraceId() throws Exception {
        SeglineConfig config = TestCluster.config("tracing", Map.of(Keys.SEGMENTER, "baseline"));
        Topics topics = Topics.from(config);
        int partitions = 2;
        try (Tracing producerTracing = tracing("producer"); Tracing a = tracing("line-a"); Tracing b = tracing("line-b");
                StreamsRunner lineA = new StreamsRunner(instance(config, "a"), a);
                StreamsRunner lineB = new StreamsRunner(instance(config, "b"), b)) {
            lineA.start();
            lineB.start();
            awaitBothOwnTasks(lineA, lineB);

            // Every pairing of images partition and line partition, so that whatever the task assignment, some capture is
            // segmented by one instance and counted for its line's health by the other.
            List<String> good = new ArrayList<>();
            try (CaptureProducer producer = new CaptureProducer(config, producerTracing)) {
                for (int p = 0; p < partitions; p++) {
                    for (int q = 0; q < partitions; q++) {
                        String imageId = keyOn("capture-" + p + q + "-", p, partitions);
                        String lineId = keyOn("line-" + q + "-", q, partitions);
                        producer.send(ImageCaptured.newBuilder(TestImages.inline(imageId, TestImages.png(p * 10 + q), "a traced capture"))
                                .setLineId(lineId).build()).get();
                        good.add(imageId);
                    }
                }
                producer.send(TestImages.inline("not-an-image", "these bytes are no image".getBytes(StandardCharsets.UTF_8),
                        "a traced capture that fails")).get();
            }

            Map<String, String> resultTraces = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : TestCluster.readCommitted(config, topics.masks().name(), good.size(), Duration.ofSeconds(90))) {
                SegmentationResult result = topics.masks().valueSerde().deserializer().deserialize(topics.masks().name(), r.value());
                resultTraces.put(result.getImageId(), result.getTraceId());
                assertThat(Tracing.traceId(r.headers())).as("the result record's traceparent").isEqualTo(result.getTraceId());
            }
            List<ConsumerRecord<byte[], byte[]>> letters = TestCluster.readCommitted(config, topics.deadLetters().name(), 1, Duration.ofSeconds(30));
            assertThat(letters).hasSize(1);
            DeadLetter letter = topics.deadLetters().valueSerde().deserializer().deserialize(topics.deadLetters().name(), letters.get(0).value());
            assertThat(resultTraces).containsOnlyKeys(good);

            for (String imageId : good) {
                String traceId = produceSpan(imageId).getTraceId();
                assertThat(resultTraces.get(imageId)).as("trace id in the result of %s", imageId).isEqualTo(traceId);
                List<SpanData> trace = awaitSpans(traceId, spans -> names(spans).containsAll(LINE_SPANS));
                assertThat(names(trace)).as("spans of %s", imageId).containsAll(LINE_SPANS);
                SpanData segment = trace.stream().filter(s -> s.getName().equals("segment")).findFirst().orElseThrow();
                assertThat(segment.getLinks()).as("the segment span links its batch").hasSize(1);
                SpanData batch = batchSpan(segment.getLinks().get(0));
                SpanData capture = trace.stream().filter(s -> s.getName().equals("segline capture")).findFirst().orElseThrow();
                assertThat(batch.getLinks().stream().map(LinkData::getSpanContext)).as("the batch links its members")
                        .contains(capture.getSpanContext());
            }
            Set<Set<String>> instancesPerTrace = good.stream().map(id -> awaitSpans(produceSpan(id).getTraceId(), s -> true).stream()
                    .map(s -> s.getResource().getAttribute(INSTANCE)).filter(i -> i.startsWith("line-")).collect(Collectors.toSet()))
                    .collect(Collectors.toSet());
            assertThat(instancesPerTrace).as("instances that recorded spans, per capture").contains(Set.of("line-a", "line-b"));

            String failedTrace = produceSpan("not-an-image").getTraceId();
            assertThat(letter.getTraceId()).as("trace id in the dead letter").isEqualTo(failedTrace);
            List<SpanData> failed = awaitSpans(failedTrace, spans -> names(spans).contains("validate"));
            assertThat(failed).filteredOn(s -> s.getName().equals("validate")).singleElement()
                    .satisfies(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
            assertThat(failed).filteredOn(s -> s.getName().equals("segline capture")).singleElement()
                    .satisfies(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
        }
    }

    private Tracing tracing(String instance) {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(INSTANCE, instance)))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
        return Tracing.with(sdk);
    }

    private static SeglineConfig instance(SeglineConfig config, String name) throws Exception {
        return config.with(Map.of("state.dir", Files.createTempDirectory("segline-tracing-" + name + "-").toString()));
    }

    /** A key the default partitioner puts on {@code partition} of {@code partitions}. */
    private static String keyOn(String prefix, int partition, int partitions) {
        for (int n = 0; ; n++) {
            String key = prefix + n;
            if (Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions == partition) {
                return key;
            }
        }
    }

    private static void awaitBothOwnTasks(StreamsRunner a, StreamsRunner b) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (a.state() == KafkaStreams.State.RUNNING && b.state() == KafkaStreams.State.RUNNING && tasks(a) > 0 && tasks(b) > 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the two instances did not share the tasks: " + tasks(a) + " and " + tasks(b));
    }

    private static int tasks(StreamsRunner line) {
        int n = 0;
        for (ThreadMetadata thread : line.streams().metadataForLocalThreads()) {
            n += thread.activeTasks().size();
        }
        return n;
    }

    private SpanData produceSpan(String imageId) {
        return exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(CaptureProducer.PRODUCE_SPAN) && imageId.equals(s.getAttributes().get(IMAGE)))
                .findFirst().orElseThrow(() -> new AssertionError("no produce span for " + imageId));
    }

    private SpanData batchSpan(LinkData link) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getSpanContext().equals(link.getSpanContext())).findFirst()
                .orElseThrow(() -> new AssertionError("no batch span " + link.getSpanContext()));
    }

    /** The finished spans of a trace, waiting (the monitor counts after a repartition) until {@code done} holds. */
    private List<SpanData> awaitSpans(String traceId, Predicate<List<SpanData>> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<SpanData> spans;
        do {
            spans = exporter.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
            if (done.test(spans)) {
                return spans;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < deadline);
        return spans;
    }

    private static List<String> names(List<SpanData> spans) {
        return spans.stream().map(SpanData::getName).toList();
    }
}
