package io.segline.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segline.config.SeglineConfig;
import io.segline.line.StreamsRunner;
import io.segline.records.ImageCaptured;
import io.segline.testing.TestCluster;
import io.segline.testing.TestImages;
import io.segline.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Two instances of one application: each answers for images and lines the other holds (interactive queries). */
@Tag("integration")
class TwoInstancesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void shouldAnswerForImagesHeldByTheOtherInstance() throws Exception {
        SeglineConfig shared = TestCluster.config("two", Map.of());
        HttpApi apiA = HttpApi.start("127.0.0.1", 0, "127.0.0.1");
        HttpApi apiB = HttpApi.start("127.0.0.1", 0, "127.0.0.1");
        StreamsRunner a = new StreamsRunner(shared.with(Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, apiA.advertised(),
                "state.dir", Files.createTempDirectory("segline-a-").toString())));
        StreamsRunner b = new StreamsRunner(shared.with(Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, apiB.advertised(),
                "state.dir", Files.createTempDirectory("segline-b-").toString())));
        apiA.attach(a.streams());
        apiB.attach(b.streams());
        try {
            a.start();
            b.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while ((a.state() != KafkaStreams.State.RUNNING || b.state() != KafkaStreams.State.RUNNING
                    || a.streams().metadataForAllStreamsClients().size() < 2) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            Topics topics = Topics.from(shared);
            Map<String, byte[]> input = new LinkedHashMap<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String id = "two-" + i;
                ids.add(id);
                input.put(id, topics.images().valueSerde().serializer().serialize(topics.images().name(),
                        ImageCaptured.newBuilder(TestImages.inline(id, TestImages.png(i), "c")).setLineId("line-" + (i % 2))
                                .setCapturedAt(Instant.now()).build()));
            }
            TestCluster.produceInterleaved(shared, topics.images().name(), input, ids);

            String base = "http://127.0.0.1:" + apiA.port();
            int viaOther = 0;
            for (String id : ids) {
                JsonNode answer = awaitJson(base + "/api/images/" + id);
                assertThat(answer.path("imageId").asText()).isEqualTo(id);
                KeyQueryMetadata where = a.streams().queryMetadataForKey(ImageIndexProcessor.IMAGES_STORE, id, Serdes.String().serializer());
                if (where.activeHost().port() == apiB.port()) {
                    viaOther++;
                }
            }
            assertThat(viaOther).as("some images live on the other instance").isPositive().isLessThan(ids.size());
            long images = 0;
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // Until the counts settle: while partitions move, an answer may be incomplete for a moment.
            while (images != ids.size() && System.nanoTime() < until) {
                images = 0;
                for (JsonNode line : awaitJson(base + "/api/lines").path("lines")) {
                    images += line.path("images").asLong();
                }
                Thread.sleep(300);
            }
            assertThat(images).as("lines gathered from both instances; A says %s; B says %s",
                    awaitJson(base + "/api/lines?local=true"), awaitJson("http://127.0.0.1:" + apiB.port() + "/api/lines?local=true"))
                    .isEqualTo(ids.size());
        } finally {
            a.close();
            b.close();
            apiA.close();
            apiB.close();
        }
    }

    private static JsonNode awaitJson(String url) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 || System.nanoTime() > deadline) {
                return JSON.readTree(response.body());
            }
            Thread.sleep(300);
        }
    }
}
