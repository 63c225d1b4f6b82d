package io.segline.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segline.records.ImageCaptured;
import io.segline.records.SampleRecords;
import io.segline.serde.SchemaRegistryException.IncompatibleSchemaException;
import io.segline.testing.TestSchemas;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Backward-compatible evolution and the refusal of an incompatible change, decided by a real registry. */
@Tag("integration")
class SchemaEvolutionIT {
    private static final String TOPIC = "evolution.images";
    private static final String SUBJECT = TOPIC + "-value";

    @Test
    void shouldReadV1RecordsWithAV2ConsumerAndRefuseAnIncompatibleV3() {
        Map<String, Object> props = Map.of(RegistryConfig.URL, RealRegistry.url());
        SchemaRegistryClient client = SchemaRegistryClients.create(RegistryConfig.forUrl(RealRegistry.url()));
        Schema v1 = ImageCaptured.getClassSchema();
        Schema v2 = TestSchemas.withAddedField(v1, TestSchemas.OPERATOR_WITH_DEFAULT);
        Schema v3 = TestSchemas.withAddedField(v1, TestSchemas.OPERATOR_WITHOUT_DEFAULT);

        // Written by a producer on v1 of the schema.
        SpecificAvroSerde<ImageCaptured> producerV1 = new SpecificAvroSerde<>(ImageCaptured.class);
        producerV1.configure(props, false);
        byte[] v1Bytes = producerV1.serializer().serialize(TOPIC, SampleRecords.imageCaptured());
        client.setCompatibility(SUBJECT, CompatibilityLevel.BACKWARD);

        // v2 adds a field with a default: the registry accepts it as the next version.
        assertThat(client.testCompatibility(SUBJECT, v2).compatible()).isTrue();
        int v2Id = client.register(SUBJECT, v2);
        assertThat(client.latest(SUBJECT).version()).isEqualTo(2);
        assertThat(client.latest(SUBJECT).id()).isEqualTo(v2Id);

        // A consumer holding v2 reads the v1 record, with the default for the new field.
        AvroDeserializer<Object> consumerV2 = AvroDeserializer.generic(v2);
        consumerV2.configure(props, false);
        GenericRecord read = (GenericRecord) consumerV2.deserialize(TOPIC, v1Bytes);
        assertThat(read.getSchema().getField("operator")).isNotNull();
        assertThat(read.get("operator")).isNull();
        assertThat(read.get("imageId")).hasToString("thangka-0001");

        // v3 adds a field without a default: the registry refuses it, and the error names the subject.
        assertThat(client.testCompatibility(SUBJECT, v3).compatible()).isFalse();
        assertThatThrownBy(() -> client.register(SUBJECT, v3))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("'" + SUBJECT + "'")
                .hasMessageContaining("Incompatible artifact")
                .satisfies(e -> assertThat(((IncompatibleSchemaException) e).httpStatus()).isEqualTo(409));

        // A producer trying to write v3 records gets a serialization error that says the same.
        GenericAvroSerde producerV3 = new GenericAvroSerde();
        producerV3.configure(props, false);
        GenericRecord v3Record = new GenericData.Record(v3);
        assertThatThrownBy(() -> producerV3.serializer().serialize(TOPIC, v3Record))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(SUBJECT)
                .hasRootCauseInstanceOf(IncompatibleSchemaException.class);
    }
}
