package io.segline.serde;

import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of generic Avro records in the Confluent wire format. Values are {@code GenericRecord}s (or
 * other Avro generic values); with a reader schema, records are resolved to it, otherwise they are
 * read with the writer's schema.
 */
public final class GenericAvroSerde implements Serde<Object> {
    private final AvroSerializer<Object> serializer;
    private final AvroDeserializer<Object> deserializer;

    /** For configuration through {@link #configure}; reads with the writer's schema. */
    public GenericAvroSerde() {
        this.serializer = new AvroSerializer<>();
        this.deserializer = AvroDeserializer.generic();
    }

    /** Ready to use; {@code readerSchema} may be null to read with the writer's schema. */
    public GenericAvroSerde(SchemaRegistryClient client, RegistryConfig config, boolean isKey, Schema readerSchema) {
        this.serializer = new AvroSerializer<>(client, config, isKey);
        this.deserializer = (readerSchema == null ? AvroDeserializer.generic() : AvroDeserializer.generic(readerSchema))
                .withClient(client);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<Object> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<Object> deserializer() {
        return deserializer;
    }
}
