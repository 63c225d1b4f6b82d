package io.segline.topics;

import org.apache.kafka.common.serialization.Serde;

/** One topic, declared once with its name and serdes, so producers, topology and CLI cannot disagree. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
}
