package io.segline.serde;

import io.segline.serde.AvroWireFormatException.MalformedAvroPayloadException;
import io.segline.serde.AvroWireFormatException.SchemaResolutionException;
import io.segline.serde.AvroWireFormatException.UnknownSchemaIdException;
import io.segline.serde.SchemaRegistryException.SchemaNotFoundException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-framed Avro records: the writer schema comes from the registry by the id in the
 * header and is resolved to the reader schema (Avro schema resolution), so a consumer holding a newer
 * schema reads records written with an older one, filling added fields from their defaults.
 *
 * <p>The reader schema is the generated class's schema ({@link #specific}), a given schema
 * ({@link #generic(Schema)}), or the writer's own ({@link #generic()}).
 *
 * <p>Bytes that are not a readable record raise a specific {@link AvroWireFormatException}: an unknown
 * magic byte, a truncated header, an id the registry does not know, a body that does not decode, or a
 * writer schema the reader schema cannot resolve. A registry that cannot be reached raises
 * {@link SchemaRegistryException.RegistryUnavailableException}, which is not a property of the record.
 */
public class AvroDeserializer<T> implements Deserializer<T> {
    private final Schema readerSchema;
    private final boolean specific;
    private SchemaRegistryClient client;
    private final Map<Integer, Reader<T>> readers = new ConcurrentHashMap<>();
    private long maxBytes = Long.MAX_VALUE;

    private record Reader<T>(DatumReader<T> datumReader, String writerName) {
    }

    private AvroDeserializer(Schema readerSchema, boolean specific, SchemaRegistryClient client) {
        this.readerSchema = readerSchema;
        this.specific = specific;
        this.client = client;
    }

    /** Reads into a generated class; call {@link #configure} or pass a client with {@link #withClient}. */
    public static <T extends SpecificRecord> AvroDeserializer<T> specific(Class<T> type) {
        return new AvroDeserializer<>(SpecificData.getForClass(type).getSchema(type), true, null);
    }

    /** Reads generic records with the writer's own schema. */
    public static AvroDeserializer<Object> generic() {
        return new AvroDeserializer<>(null, false, null);
    }

    /** Reads generic records resolved to {@code readerSchema}. */
    public static AvroDeserializer<Object> generic(Schema readerSchema) {
        return new AvroDeserializer<>(readerSchema, false, null);
    }

    /** Refuses records longer than {@code limit} bytes before decoding them ({@link AvroWireFormatException.OversizedRecordException}). */
    public AvroDeserializer<T> withMaxBytes(long limit) {
        this.maxBytes = limit;
        return this;
    }

    /** Uses this registry client instead of one built by {@link #configure}. */
    public AvroDeserializer<T> withClient(SchemaRegistryClient registryClient) {
        this.client = registryClient;
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.client = SchemaRegistryClients.create(RegistryConfig.fromMap(configs));
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("AvroDeserializer used before configure()");
        }
        if (data.length > maxBytes) {
            throw new AvroWireFormatException.OversizedRecordException(topic, data.length, maxBytes);
        }
        int id = WireFormat.schemaId(topic, data);
        Reader<T> reader = readers.get(id);
        if (reader == null) {
            reader = newReader(topic, id);
            readers.put(id, reader);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                data.length - WireFormat.HEADER_SIZE, null);
        String writerName = reader.writerName();
        T value;
        try {
            value = reader.datumReader().read(null, new BoundedDecoder(decoder));
        } catch (IOException | RuntimeException e) {
            throw new MalformedAvroPayloadException(topic, id, writerName,
                    "the body ends early or holds values the schema does not allow (" + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
        int left = remaining(decoder);
        if (left > 0) {
            throw new MalformedAvroPayloadException(topic, id, writerName,
                    left + " byte(s) are left over after the record: the body was written with another schema", null);
        }
        return value;
    }

    private Reader<T> newReader(String topic, int id) {
        Schema writer;
        try {
            writer = client.schemaById(id);
        } catch (SchemaNotFoundException e) {
            throw new UnknownSchemaIdException(topic, id, client.describe(), e);
        }
        Schema reader = readerSchema != null ? readerSchema : writer;
        SchemaPairCompatibility compatibility = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
            String detail = compatibility.getResult().getIncompatibilities().stream()
                    .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                    .collect(Collectors.joining("; "));
            throw new SchemaResolutionException(topic, id, writer.getFullName(), reader.getFullName(), detail);
        }
        DatumReader<T> datumReader = specific
                ? new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader))
                : new GenericDatumReader<>(writer, reader, GenericData.get());
        return new Reader<>(datumReader, writer.getFullName());
    }

    private static int remaining(BinaryDecoder decoder) {
        try {
            return decoder.isEnd() ? 0 : decoder.inputStream().available();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        readers.clear();
    }
}
