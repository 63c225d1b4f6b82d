package io.segline.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record's bytes are not a readable Confluent-framed Avro record. These are properties of the
 * record itself (retrying will not help), so the topology routes them to the dead-letter topic with
 * the original bytes. Each subclass names one way the bytes can be wrong.
 */
public abstract class AvroWireFormatException extends SerializationException {
    private static final long serialVersionUID = 1L;

    private final String topic;

    protected AvroWireFormatException(String topic, String message, Throwable cause) {
        super(message, cause);
        this.topic = topic;
    }

    /** Topic the bytes were read from (may be null when unknown). */
    public String topic() {
        return topic;
    }

    /** The first byte is not the Confluent magic byte 0: the record was not written by a Confluent-format serializer. */
    public static final class UnknownMagicByteException extends AvroWireFormatException {
        private static final long serialVersionUID = 1L;
        private final int magicByte;

        public UnknownMagicByteException(String topic, int magicByte) {
            super(topic, String.format("Record on topic '%s' starts with byte 0x%02x, not the Confluent wire-format magic"
                    + " byte 0x00: it was not written by a schema-registry Avro serializer (plain JSON or raw Avro?)",
                    topic, magicByte & 0xff), null);
            this.magicByte = magicByte & 0xff;
        }

        public int magicByte() {
            return magicByte;
        }
    }

    /**
     * The record, as the consumer holds it after decompressing its batch, is larger than the line accepts:
     * refused before any decoding. Broker and fetch limits apply to compressed batches, so a value far
     * larger than any limit can still arrive.
     */
    public static final class OversizedRecordException extends AvroWireFormatException {
        private static final long serialVersionUID = 1L;

        public OversizedRecordException(String topic, int length, long limit) {
            super(topic, "[record-too-large] Record on topic '" + topic + "' has " + length + " bytes after decompression, more than"
                    + " the " + limit + " bytes segline.max.record.bytes allows; large scans travel by claim check (a URI) instead of inline", null);
        }
    }

    /** The record is shorter than the 5-byte header (magic byte + 4-byte schema id). */
    public static final class TruncatedRecordException extends AvroWireFormatException {
        private static final long serialVersionUID = 1L;

        public TruncatedRecordException(String topic, int length) {
            super(topic, "Record on topic '" + topic + "' is " + length + " byte(s) long, shorter than the 5-byte"
                    + " Confluent header (magic byte + 4-byte schema id): it was truncated or is not Avro", null);
        }
    }

    /** The header names a schema id that the registry does not know. */
    public static final class UnknownSchemaIdException extends AvroWireFormatException {
        private static final long serialVersionUID = 1L;
        private final int schemaId;

        public UnknownSchemaIdException(String topic, int schemaId, String registry, Throwable cause) {
            super(topic, "Record on topic '" + topic + "' names schema id " + schemaId + ", which registry " + registry
                    + " does not know: it was written against another registry, or the schema was deleted", cause);
            this.schemaId = schemaId;
        }

        public int schemaId() {
            return schemaId;
        }
    }

    /** The Avro body does not decode with the writer schema its header names. */
    public static final class MalformedAvroPayloadException extends AvroWireFormatException {
        private static final long serialVersionUID = 1L;
        private final int schemaId;

        public MalformedAvroPayloadException(String topic, int schemaId, String schemaName, String detail, Throwable cause) {
            super(topic, "Record on topic '" + topic + "' does not decode as schema id " + schemaId + " (" + schemaName
                    + "): " + detail, cause);
            this.schemaId = schemaId;
        }

        public int schemaId() {
            return schemaId;
        }
    }

    /** The writer schema cannot be resolved to the consumer's reader schema (no default for a new field, type change...). */
    public static final class SchemaResolutionException extends AvroWireFormatException {
        private static final long serialVersionUID = 1L;
        private final int schemaId;

        public SchemaResolutionException(String topic, int schemaId, String writerName, String readerName, String detail) {
            super(topic, "Record on topic '" + topic + "' was written with schema id " + schemaId + " (" + writerName
                    + "), which cannot be read as " + readerName + ": " + detail, null);
            this.schemaId = schemaId;
        }

        public int schemaId() {
            return schemaId;
        }
    }
}
