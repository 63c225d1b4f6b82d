package io.segline.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.records.ImageCaptured;
import io.segline.records.SampleRecords;
import io.segline.records.SampleRecords.Sample;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every record type through the serdes against a real Confluent-API registry (Apicurio's ccompat API). */
@Tag("integration")
class ApicurioRoundTripIT {

    @Test
    void shouldRoundTripEveryRecordTypeThroughARealRegistry() {
        Map<String, Object> props = Map.of(RegistryConfig.URL, RealRegistry.url());
        SchemaRegistryClient direct = new RestSchemaRegistryClient(RegistryConfig.forUrl(RealRegistry.url()));
        for (Sample sample : SampleRecords.all()) {
            String topic = "roundtrip." + sample.topic();
            @SuppressWarnings("unchecked")
            Class<SpecificRecord> type = (Class<SpecificRecord>) sample.record().getClass();
            SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>(type);
            serde.configure(props, false);

            byte[] bytes = serde.serializer().serialize(topic, sample.record());
            int id = WireFormat.schemaId(topic, bytes);

            assertThat(direct.schemaById(id)).as("schema behind id %d", id).isEqualTo(sample.record().getSchema());
            assertThat(direct.lookup(topic + "-value", sample.record().getSchema()).id()).isEqualTo(id);
            assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(sample.record());
            // A second serializer (another process, say) gets the same id for the same schema.
            SpecificAvroSerde<SpecificRecord> other = new SpecificAvroSerde<>(type);
            other.configure(props, false);
            assertThat(other.serializer().serialize(topic, sample.record())).isEqualTo(bytes);
        }
        assertThat(direct.subjects()).contains("roundtrip.segline.images.v1-value", "roundtrip.segline.dlq.v1-value");
    }

    @Test
    void shouldReadSpecificRecordsAsGenericOnesFromARealRegistry() {
        Map<String, Object> props = Map.of(RegistryConfig.URL, RealRegistry.url());
        SpecificAvroSerde<ImageCaptured> specific = new SpecificAvroSerde<>(ImageCaptured.class);
        specific.configure(props, false);
        GenericAvroSerde generic = new GenericAvroSerde();
        generic.configure(props, false);

        byte[] bytes = specific.serializer().serialize("generic.images", SampleRecords.imageCaptured());
        GenericRecord record = (GenericRecord) generic.deserializer().deserialize("generic.images", bytes);
        assertThat(record.get("lineId")).hasToString("line-a");
        assertThat(generic.serializer().serialize("generic.images", record)).isEqualTo(bytes);
    }
}
