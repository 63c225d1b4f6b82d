package io.segline.topics;


import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the line's topics with their size settings set together: the images and dead-letter topics
 * accept records of {@code segline.max.record.bytes} plus an envelope (a dead letter carries the
 * original record), result topics the same, so that no limit is lower than the producer's.
 */
public final class TopicAdmin {
    private TopicAdmin() {
    }

    /** What happened to one topic. */
    public record Outcome(String topic, boolean created, String detail) {
    }

    public static List<Outcome> createTopics(SeglineConfig config, int partitions, short replicationFactor) {
        int recordBytes = config.getInt(Keys.MAX_RECORD_BYTES) + Topics.ENVELOPE_BYTES;
        Map<String, String> topicConfig = new LinkedHashMap<>();
        topicConfig.put("max.message.bytes", String.valueOf(recordBytes));
        Map<String, String> deadLetterConfig = new LinkedHashMap<>(topicConfig);
        // Dead letters are evidence: keep them for 30 days by default.
        deadLetterConfig.put("retention.ms", String.valueOf(30L * 24 * 3600 * 1000));
        List<Outcome> outcomes = new ArrayList<>();
        try (Admin admin = Admin.create(config.clientProperties())) {
            for (String key : List.of(Keys.TOPIC_IMAGES, Keys.TOPIC_MASKS, Keys.TOPIC_QUALITY, Keys.TOPIC_DLQ, Keys.TOPIC_LINE_HEALTH,
                    Keys.TOPIC_ALERTS, Keys.TOPIC_REVIEW)) {
                String name = config.topic(key);
                NewTopic topic = new NewTopic(name, Optional.of(partitions), Optional.of(replicationFactor))
                        .configs(key.equals(Keys.TOPIC_DLQ) ? deadLetterConfig : topicConfig);
                try {
                    admin.createTopics(List.of(topic)).all().get();
                    outcomes.add(new Outcome(name, true, partitions + " partition(s), replication " + replicationFactor
                            + ", max.message.bytes " + recordBytes));
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        outcomes.add(new Outcome(name, false, "exists already (left unchanged)"));
                    } else {
                        throw new IllegalStateException("Could not create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        }
        return outcomes;
    }
}
