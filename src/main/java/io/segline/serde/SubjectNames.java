package io.segline.serde;

/** Confluent's TopicNameStrategy: the subject of a topic's keys is {@code <topic>-key}, of its values {@code <topic>-value}. */
public final class SubjectNames {
    private SubjectNames() {
    }

    public static String topicNameStrategy(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
