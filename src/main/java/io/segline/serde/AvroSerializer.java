package io.segline.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated specific records or generic records) in the Confluent wire format,
 * with the schema id obtained under the TopicNameStrategy subject ({@code <topic>-key|value}).
 *
 * <p>Which id is written depends on the configuration: with {@code auto.register.schemas=true} (the
 * default) the record's schema is registered; with it false the schema must already be registered
 * and is looked up; with {@code use.latest.version=true} the subject's latest schema is used to write
 * (the record's fields are written by name, so the latest schema must be able to hold them).
 *
 * <p>Registry problems become a {@link SerializationException} naming the subject, with the
 * {@link SchemaRegistryException} as cause.
 */
public class AvroSerializer<T> implements Serializer<T> {
    private record WriteWith(int id, Schema schema) {
    }

    private record WriterKey(Schema schema, boolean specific) {
    }

    private SchemaRegistryClient client;
    private RegistryConfig config;
    private boolean isKey;
    private final Map<Schema, WriteWith> resolved = new ConcurrentHashMap<>();
    private final Map<WriterKey, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

    /** For Kafka's reflective construction; {@link #configure} must be called. */
    public AvroSerializer() {
    }

    public AvroSerializer(SchemaRegistryClient client, RegistryConfig config, boolean isKey) {
        this.client = client;
        this.config = config;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = RegistryConfig.fromMap(configs);
        this.client = SchemaRegistryClients.create(config);
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (!(data instanceof GenericContainer container)) {
            throw new SerializationException("AvroSerializer writes Avro records (generated or GenericRecord), not "
                    + data.getClass().getName() + " (topic '" + topic + "')");
        }
        if (client == null) {
            throw new IllegalStateException("AvroSerializer used before configure()");
        }
        String subject = SubjectNames.topicNameStrategy(topic, isKey);
        WriteWith target = resolve(subject, container.getSchema());
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        ByteBuffer header = ByteBuffer.allocate(WireFormat.HEADER_SIZE);
        WireFormat.writeHeader(header, target.id());
        out.write(header.array(), 0, WireFormat.HEADER_SIZE);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer(target.schema(), data).write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Could not write a " + container.getSchema().getFullName()
                    + " record with schema id " + target.id() + " of subject '" + subject + "': " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private WriteWith resolve(String subject, Schema schema) {
        // Keyed by the record's schema; one serializer instance always writes one topic's key or value.
        WriteWith cached = resolved.get(schema);
        if (cached != null && !config.useLatestVersion()) {
            return cached;
        }
        WriteWith target;
        try {
            if (config.useLatestVersion()) {
                RegisteredSchema latest = client.latest(subject);
                target = new WriteWith(latest.id(), latest.schema());
            } else if (config.autoRegister()) {
                target = new WriteWith(client.register(subject, schema), schema);
            } else {
                target = new WriteWith(client.lookup(subject, schema).id(), schema);
            }
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Could not obtain a schema id for subject '" + subject + "' from registry "
                    + client.describe() + ": " + e.getMessage(), e);
        }
        resolved.put(schema, target);
        return target;
    }

    @SuppressWarnings("unchecked")
    private DatumWriter<Object> writer(Schema schema, Object data) {
        // Generated classes carry logical-type conversions (Instant for timestamps); generic records hold raw values.
        return writers.computeIfAbsent(new WriterKey(schema, data instanceof SpecificRecord), k -> k.specific()
                ? new SpecificDatumWriter<>(k.schema(), SpecificData.getForSchema(k.schema()))
                : (DatumWriter<Object>) (DatumWriter<?>) new GenericDatumWriter<>(k.schema(), GenericData.get()));
    }

    @Override
    public void close() {
        resolved.clear();
        writers.clear();
    }
}
