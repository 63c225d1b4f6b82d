package io.segline.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.records.Alert;
import io.segline.records.ImageCaptured;
import io.segline.testing.TestSchemas;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CachingSchemaRegistryClientTest {
    private static final String SCOPE = "caching-client-test";

    /** Counts the calls that reach the registry behind the cache. */
    private static final class Counting implements SchemaRegistryClient {
        final SchemaRegistryClient inner = MockSchemaRegistry.forScope(SCOPE);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public int register(String subject, Schema schema) {
            calls.incrementAndGet();
            return inner.register(subject, schema);
        }

        @Override
        public Schema schemaById(int id) {
            calls.incrementAndGet();
            return inner.schemaById(id);
        }

        @Override
        public RegisteredSchema lookup(String subject, Schema schema) {
            calls.incrementAndGet();
            return inner.lookup(subject, schema);
        }

        @Override
        public RegisteredSchema latest(String subject) {
            calls.incrementAndGet();
            return inner.latest(subject);
        }

        @Override
        public CompatibilityResult testCompatibility(String subject, Schema schema) {
            calls.incrementAndGet();
            return inner.testCompatibility(subject, schema);
        }

        @Override
        public void setCompatibility(String subject, CompatibilityLevel level) {
            inner.setCompatibility(subject, level);
        }

        @Override
        public List<String> subjects() {
            return inner.subjects();
        }

        @Override
        public List<Integer> deleteSubject(String subject) {
            return inner.deleteSubject(subject);
        }

        @Override
        public String describe() {
            return inner.describe();
        }
    }

    private final Counting registry = new Counting();
    private final AtomicLong nanos = new AtomicLong();

    @AfterEach
    void drop() {
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldAnswerRepeatedRegistrationsAndTheReverseLookupFromCache() {
        CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(registry, Duration.ofSeconds(-1));
        int id = client.register("a-value", Alert.getClassSchema());
        assertThat(client.register("a-value", Alert.getClassSchema())).isEqualTo(id);
        assertThat(client.schemaById(id)).isEqualTo(Alert.getClassSchema());
        assertThat(registry.calls).hasValue(1);

        assertThat(client.register("b-value", Alert.getClassSchema())).isEqualTo(id);
        assertThat(registry.calls).as("another subject is another registration").hasValue(2);
    }

    @Test
    void shouldCacheIdLookupsAndVersionLookups() {
        int id = registry.inner.register("a-value", ImageCaptured.getClassSchema());
        CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(registry, Duration.ofSeconds(-1));
        for (int i = 0; i < 3; i++) {
            assertThat(client.schemaById(id)).isEqualTo(ImageCaptured.getClassSchema());
            assertThat(client.lookup("a-value", ImageCaptured.getClassSchema()).version()).isEqualTo(1);
        }
        assertThat(registry.calls).hasValue(2);
    }

    @Test
    void shouldRefreshTheLatestVersionAfterItsTtl() {
        registry.inner.register("a-value", ImageCaptured.getClassSchema());
        CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(registry, Duration.ofSeconds(30), nanos::get);
        assertThat(client.latest("a-value").version()).isEqualTo(1);
        registry.inner.register("a-value",
                TestSchemas.withAddedField(ImageCaptured.getClassSchema(), TestSchemas.OPERATOR_WITH_DEFAULT));
        nanos.addAndGet(Duration.ofSeconds(29).toNanos());
        assertThat(client.latest("a-value").version()).as("still cached").isEqualTo(1);
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(client.latest("a-value").version()).isEqualTo(2);
        assertThat(registry.calls).hasValue(2);
    }

    @Test
    void shouldForgetADeletedSubject() {
        CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(registry, Duration.ofSeconds(-1));
        client.register("a-value", Alert.getClassSchema());
        client.deleteSubject("a-value");
        client.register("a-value", Alert.getClassSchema());
        assertThat(registry.calls).hasValue(2);
    }
}
