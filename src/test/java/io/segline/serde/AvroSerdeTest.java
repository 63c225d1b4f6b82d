package io.segline.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segline.records.Alert;
import io.segline.records.ImageCaptured;
import io.segline.records.SampleRecords;
import io.segline.records.SampleRecords.Sample;
import io.segline.serde.AvroWireFormatException.MalformedAvroPayloadException;
import io.segline.serde.AvroWireFormatException.SchemaResolutionException;
import io.segline.serde.AvroWireFormatException.TruncatedRecordException;
import io.segline.serde.AvroWireFormatException.UnknownMagicByteException;
import io.segline.serde.AvroWireFormatException.UnknownSchemaIdException;
import io.segline.testing.TestSchemas;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The serdes against the in-memory registry, configured the way Kafka configures them. */
class AvroSerdeTest {
    private static final String SCOPE = "avro-serde-test";
    private static final String TOPIC = "segline.images.v1";
    private final Map<String, Object> props = Map.of(RegistryConfig.URL, "mock://" + SCOPE);

    @AfterEach
    void drop() {
        MockSchemaRegistry.dropScope(SCOPE);
    }

    private <T extends SpecificRecord> SpecificAvroSerde<T> serde(Class<T> type) {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type);
        serde.configure(props, false);
        return serde;
    }

    @Test
    void shouldRoundTripEveryRecordTypeThroughTheMockRegistry() {
        for (Sample sample : SampleRecords.all()) {
            @SuppressWarnings("unchecked")
            Class<SpecificRecord> type = (Class<SpecificRecord>) sample.record().getClass();
            SpecificAvroSerde<SpecificRecord> serde = serde(type);
            byte[] bytes = serde.serializer().serialize(sample.topic(), sample.record());

            assertThat(bytes[0]).as("magic byte of %s", type.getSimpleName()).isZero();
            int id = WireFormat.schemaId(sample.topic(), bytes);
            assertThat(MockSchemaRegistry.forScope(SCOPE).lookup(sample.topic() + "-value", sample.record().getSchema()).id())
                    .isEqualTo(id);
            assertThat(serde.deserializer().deserialize(sample.topic(), bytes)).isEqualTo(sample.record());
        }
    }

    @Test
    void shouldRegisterKeysUnderTheKeySubject() {
        AvroSerializer<Alert> keys = new AvroSerializer<>();
        keys.configure(props, true);
        keys.serialize("segline.alerts.v1", SampleRecords.alert());
        assertThat(MockSchemaRegistry.forScope(SCOPE).subjects()).containsExactly("segline.alerts.v1-key");
    }

    @Test
    void shouldRoundTripGenericRecordsAndReadSpecificOnesGenerically() {
        GenericAvroSerde generic = new GenericAvroSerde();
        generic.configure(props, false);
        byte[] written = serde(ImageCaptured.class).serializer().serialize(TOPIC, SampleRecords.imageCaptured());

        GenericRecord read = (GenericRecord) generic.deserializer().deserialize(TOPIC, written);
        assertThat(read.get("imageId")).hasToString("thangka-0001");
        assertThat(read.get("capturedAt")).isEqualTo(SampleRecords.imageCaptured().getCapturedAt().toEpochMilli());

        byte[] rewritten = generic.serializer().serialize(TOPIC, read);
        assertThat(rewritten).isEqualTo(written);
        assertThat(serde(ImageCaptured.class).deserializer().deserialize(TOPIC, rewritten))
                .isEqualTo(SampleRecords.imageCaptured());
    }

    @Test
    void shouldReadOldRecordsWithANewerReaderSchemaFillingDefaults() {
        byte[] v1Bytes = serde(ImageCaptured.class).serializer().serialize(TOPIC, SampleRecords.imageCaptured());
        Schema v2 = TestSchemas.withAddedField(ImageCaptured.getClassSchema(), TestSchemas.OPERATOR_WITH_DEFAULT);
        MockSchemaRegistry.forScope(SCOPE).register(TOPIC + "-value", v2);

        GenericRecord read = (GenericRecord) AvroDeserializer.generic(v2).withClient(MockSchemaRegistry.forScope(SCOPE))
                .deserialize(TOPIC, v1Bytes);
        assertThat(read.getSchema()).isEqualTo(v2);
        assertThat(read.get("operator")).isNull();
        assertThat(read.get("caption")).hasToString(SampleRecords.imageCaptured().getCaption());
    }

    @Test
    void shouldReadNewerRecordsWithTheOlderGeneratedClass() {
        Schema v2 = TestSchemas.withAddedField(ImageCaptured.getClassSchema(), TestSchemas.OPERATOR_WITH_DEFAULT);
        GenericAvroSerde generic = new GenericAvroSerde();
        generic.configure(props, false);
        GenericRecord v1Read = (GenericRecord) generic.deserializer().deserialize(TOPIC,
                serde(ImageCaptured.class).serializer().serialize(TOPIC, SampleRecords.imageCaptured()));
        GenericRecord v2Record = new GenericData.Record(v2);
        ImageCaptured.getClassSchema().getFields().forEach(f -> v2Record.put(f.name(), v1Read.get(f.name())));
        v2Record.put("operator", "Tenzin");

        byte[] v2Bytes = generic.serializer().serialize(TOPIC, v2Record);
        assertThat(serde(ImageCaptured.class).deserializer().deserialize(TOPIC, v2Bytes))
                .isEqualTo(SampleRecords.imageCaptured());
    }

    @Test
    void shouldRejectAnIncompatibleSchemaNamingTheSubject() {
        serde(ImageCaptured.class).serializer().serialize(TOPIC, SampleRecords.imageCaptured());
        Schema broken = TestSchemas.withAddedField(ImageCaptured.getClassSchema(), TestSchemas.OPERATOR_WITHOUT_DEFAULT);
        GenericRecord record = new GenericData.Record(broken);
        GenericAvroSerde generic = new GenericAvroSerde();
        generic.configure(props, false);

        assertThatThrownBy(() -> generic.serializer().serialize(TOPIC, record))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("segline.images.v1-value")
                .hasRootCauseInstanceOf(SchemaRegistryException.IncompatibleSchemaException.class);
    }

    @Test
    void shouldRejectUnknownMagicByte() {
        byte[] bytes = serde(Alert.class).serializer().serialize(TOPIC, SampleRecords.alert());
        bytes[0] = 1;
        assertThatThrownBy(() -> serde(Alert.class).deserializer().deserialize(TOPIC, bytes))
                .isInstanceOf(UnknownMagicByteException.class).hasMessageContaining("0x01");
    }

    @Test
    void shouldRejectTruncatedHeader() {
        byte[] bytes = serde(Alert.class).serializer().serialize(TOPIC, SampleRecords.alert());
        assertThatThrownBy(() -> serde(Alert.class).deserializer().deserialize(TOPIC, Arrays.copyOf(bytes, 3)))
                .isInstanceOf(TruncatedRecordException.class).hasMessageContaining("3 byte(s)");
    }

    @Test
    void shouldRejectSchemaIdsTheRegistryDoesNotKnow() {
        byte[] bytes = serde(Alert.class).serializer().serialize(TOPIC, SampleRecords.alert());
        ByteBuffer.wrap(bytes).putInt(1, 987_654);
        assertThatThrownBy(() -> serde(Alert.class).deserializer().deserialize(TOPIC, bytes))
                .isInstanceOf(UnknownSchemaIdException.class)
                .hasMessageContaining("987654")
                .hasMessageContaining("mock://" + SCOPE)
                .satisfies(e -> assertThat(((UnknownSchemaIdException) e).schemaId()).isEqualTo(987_654));
    }

    @Test
    void shouldRejectABodyThatEndsEarly() {
        byte[] bytes = serde(Alert.class).serializer().serialize(TOPIC, SampleRecords.alert());
        assertThatThrownBy(() -> serde(Alert.class).deserializer().deserialize(TOPIC, Arrays.copyOf(bytes, bytes.length - 4)))
                .isInstanceOf(MalformedAvroPayloadException.class)
                .hasMessageContaining("io.segline.records.Alert")
                .hasMessageContaining("ends early");
    }

    @Test
    void shouldRejectABodyWrittenWithAnotherSchema() {
        int imageSchemaId = MockSchemaRegistry.forScope(SCOPE).register(TOPIC + "-value", ImageCaptured.getClassSchema());
        byte[] alertBytes = serde(Alert.class).serializer().serialize("segline.alerts.v1", SampleRecords.alert());
        ByteBuffer.wrap(alertBytes).putInt(1, imageSchemaId);
        assertThatThrownBy(() -> serde(ImageCaptured.class).deserializer().deserialize(TOPIC, alertBytes))
                .isInstanceOf(MalformedAvroPayloadException.class)
                .hasMessageContaining("schema id " + imageSchemaId);
    }

    @Test
    void shouldRejectTrailingBytesAfterTheRecord() {
        byte[] bytes = serde(Alert.class).serializer().serialize(TOPIC, SampleRecords.alert());
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        assertThatThrownBy(() -> serde(Alert.class).deserializer().deserialize(TOPIC, longer))
                .isInstanceOf(MalformedAvroPayloadException.class).hasMessageContaining("3 byte(s) are left over");
    }

    @Test
    void shouldRejectNegativeAndImpossibleLengthsWithoutAllocatingThem() {
        int id = MockSchemaRegistry.forScope(SCOPE).register(TOPIC + "-value", ImageCaptured.getClassSchema());
        byte[] negative = {0, 0, 0, 0, (byte) id, 0x01};
        byte[] huge = {0, 0, 0, 0, (byte) id, (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
        assertThatThrownBy(() -> serde(ImageCaptured.class).deserializer().deserialize(TOPIC, negative))
                .isInstanceOf(MalformedAvroPayloadException.class).hasMessageContaining("negative");
        // A length prefix of about a gigabyte in a 10-byte record is refused before anything is allocated.
        assertThatThrownBy(() -> serde(ImageCaptured.class).deserializer().deserialize(TOPIC, huge))
                .isInstanceOf(MalformedAvroPayloadException.class)
                .hasMessageContaining("string claims 1073741823 byte(s) but only 0 are left");
    }

    @Test
    void shouldRejectWriterSchemasTheReaderCannotResolve() {
        Schema v3 = TestSchemas.withAddedField(ImageCaptured.getClassSchema(), TestSchemas.OPERATOR_WITHOUT_DEFAULT);
        byte[] bytes = serde(ImageCaptured.class).serializer().serialize(TOPIC, SampleRecords.imageCaptured());
        assertThatThrownBy(() -> AvroDeserializer.generic(v3).withClient(MockSchemaRegistry.forScope(SCOPE))
                .deserialize(TOPIC, bytes))
                .isInstanceOf(SchemaResolutionException.class)
                .hasMessageContaining("operator");
    }

    @Test
    void shouldPassNullsThroughAsTombstones() {
        assertThat(serde(Alert.class).serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde(Alert.class).deserializer().deserialize(TOPIC, null)).isNull();
    }

    @Test
    void shouldRefuseValuesThatAreNotAvroRecords() {
        AvroSerializer<Object> serializer = new AvroSerializer<>();
        serializer.configure(props, false);
        assertThatThrownBy(() -> serializer.serialize(TOPIC, "just a string"))
                .isInstanceOf(SerializationException.class).hasMessageContaining("java.lang.String");
    }

    @Test
    void shouldRefuseRecordsWithMissingRequiredFields() {
        GenericRecord incomplete = new GenericData.Record(Alert.getClassSchema());
        incomplete.put("alertId", "a-1");
        GenericAvroSerde generic = new GenericAvroSerde();
        generic.configure(props, false);
        assertThatThrownBy(() -> generic.serializer().serialize("segline.alerts.v1", incomplete))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("io.segline.records.Alert")
                .hasMessageContaining("segline.alerts.v1-value");
    }

    @Test
    void shouldLookUpInsteadOfRegisteringWhenAutoRegisterIsOff() {
        AvroSerializer<Alert> serializer = new AvroSerializer<>();
        serializer.configure(Map.of(RegistryConfig.URL, "mock://" + SCOPE, RegistryConfig.AUTO_REGISTER, "false"), false);
        assertThatThrownBy(() -> serializer.serialize("segline.alerts.v1", SampleRecords.alert()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("segline.alerts.v1-value");

        int id = MockSchemaRegistry.forScope(SCOPE).register("segline.alerts.v1-value", Alert.getClassSchema());
        assertThat(WireFormat.schemaId("t", serializer.serialize("segline.alerts.v1", SampleRecords.alert()))).isEqualTo(id);
    }

    @Test
    void shouldWriteWithTheLatestVersionWhenAsked() {
        Schema v2 = TestSchemas.withAddedField(ImageCaptured.getClassSchema(), TestSchemas.OPERATOR_WITH_DEFAULT);
        MockSchemaRegistry registry = MockSchemaRegistry.forScope(SCOPE);
        registry.register(TOPIC + "-value", ImageCaptured.getClassSchema());
        int v2Id = registry.register(TOPIC + "-value", v2);

        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of(RegistryConfig.URL, "mock://" + SCOPE, RegistryConfig.USE_LATEST_VERSION, "true"), false);
        GenericRecord record = new GenericData.Record(v2);
        GenericRecord v1 = (GenericRecord) AvroDeserializer.generic().withClient(registry).deserialize(TOPIC,
                serde(ImageCaptured.class).serializer().serialize(TOPIC, SampleRecords.imageCaptured()));
        ImageCaptured.getClassSchema().getFields().forEach(f -> record.put(f.name(), v1.get(f.name())));

        byte[] bytes = serializer.serialize(TOPIC, record);
        assertThat(WireFormat.schemaId(TOPIC, bytes)).isEqualTo(v2Id);
        assertThat(serde(ImageCaptured.class).deserializer().deserialize(TOPIC, bytes)).isEqualTo(SampleRecords.imageCaptured());
    }
}
