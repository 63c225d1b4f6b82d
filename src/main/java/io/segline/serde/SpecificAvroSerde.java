package io.segline.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Serde of a generated Avro class in the Confluent wire format (see {@link AvroSerializer}, {@link AvroDeserializer}). */
public final class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    /** For configuration through {@link #configure}, as Kafka does with serde classes named in properties. */
    public SpecificAvroSerde(Class<T> type) {
        this.serializer = new AvroSerializer<>();
        this.deserializer = AvroDeserializer.specific(type);
    }

    /** Ready to use with the given client and configuration. */
    public SpecificAvroSerde(Class<T> type, SchemaRegistryClient client, RegistryConfig config, boolean isKey) {
        this.serializer = new AvroSerializer<>(client, config, isKey);
        this.deserializer = AvroDeserializer.specific(type).withClient(client);
    }

    /** This serde's deserializer refuses records longer than {@code limit} bytes before decoding. */
    public SpecificAvroSerde<T> withMaxBytes(long limit) {
        deserializer.withMaxBytes(limit);
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
