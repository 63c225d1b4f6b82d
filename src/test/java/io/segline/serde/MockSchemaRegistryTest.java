package io.segline.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segline.records.Alert;
import io.segline.records.ImageCaptured;
import io.segline.serde.SchemaRegistryException.IncompatibleSchemaException;
import io.segline.serde.SchemaRegistryException.SchemaNotFoundException;
import io.segline.serde.SchemaRegistryException.SubjectNotFoundException;
import io.segline.testing.TestSchemas;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MockSchemaRegistryTest {
    private static final String SCOPE = "mock-registry-test";
    private final MockSchemaRegistry registry = MockSchemaRegistry.forScope(SCOPE);
    private final Schema v1 = ImageCaptured.getClassSchema();

    @AfterEach
    void drop() {
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldRegisterIdempotentlyAndShareIdsAcrossSubjects() {
        int id = registry.register("a-value", v1);
        assertThat(registry.register("a-value", v1)).isEqualTo(id);
        assertThat(registry.register("b-value", v1)).isEqualTo(id);
        assertThat(registry.register("c-value", Alert.getClassSchema())).isNotEqualTo(id);
        assertThat(registry.schemaById(id)).isEqualTo(v1);
        assertThat(registry.lookup("b-value", v1)).isEqualTo(new RegisteredSchema("b-value", 1, id, v1));
        assertThat(registry.subjects()).containsExactly("a-value", "b-value", "c-value");
    }

    @Test
    void shouldKeepVersionsInOrderAndAnswerLatest() {
        Schema v2 = TestSchemas.withAddedField(v1, TestSchemas.OPERATOR_WITH_DEFAULT);
        int id1 = registry.register("images-value", v1);
        int id2 = registry.register("images-value", v2);
        assertThat(registry.latest("images-value")).isEqualTo(new RegisteredSchema("images-value", 2, id2, v2));
        assertThat(registry.lookup("images-value", v1).version()).isEqualTo(1);
        assertThat(registry.lookup("images-value", v1).id()).isEqualTo(id1);
    }

    @Test
    void shouldRefuseABackwardIncompatibleSchemaNamingTheSubject() {
        registry.register("images-value", v1);
        Schema broken = TestSchemas.withAddedField(v1, TestSchemas.OPERATOR_WITHOUT_DEFAULT);
        assertThat(registry.testCompatibility("images-value", broken).compatible()).isFalse();
        assertThatThrownBy(() -> registry.register("images-value", broken))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("images-value")
                .hasMessageContaining("operator")
                .satisfies(e -> assertThat(((IncompatibleSchemaException) e).subject()).isEqualTo("images-value"));
    }

    @Test
    void shouldFollowTheSubjectsCompatibilityLevel() {
        registry.register("images-value", v1);
        Schema removed = TestSchemas.withoutField(v1, "scannerId");
        // Removing a field without a default is backward compatible (new readers ignore it) but not
        // forward compatible (old readers need it).
        assertThat(registry.testCompatibility("images-value", removed).compatible()).isTrue();
        registry.setCompatibility("images-value", CompatibilityLevel.FORWARD);
        assertThat(registry.testCompatibility("images-value", removed).compatible()).isFalse();
        assertThat(registry.testCompatibility("images-value", removed).messages()).anySatisfy(m -> assertThat(m).contains("scannerId"));
        registry.setCompatibility("images-value", CompatibilityLevel.FULL);
        Schema broken = TestSchemas.withAddedField(v1, TestSchemas.OPERATOR_WITHOUT_DEFAULT);
        assertThat(registry.testCompatibility("images-value", broken).compatible()).isFalse();
        registry.setCompatibility("images-value", CompatibilityLevel.NONE);
        assertThat(registry.register("images-value", broken)).isPositive();
    }

    @Test
    void shouldCheckEveryVersionWhenTransitive() {
        Schema v2 = TestSchemas.withAddedField(v1, "{\"name\": \"operator\", \"type\": \"string\", \"default\": \"unknown\"}");
        // v3 requires 'operator' without a default: it reads v2 records, which carry it, but not v1 records.
        Schema v3 = TestSchemas.withAddedField(v1, TestSchemas.OPERATOR_WITHOUT_DEFAULT);
        registry.setCompatibility("images-value", CompatibilityLevel.BACKWARD);
        registry.register("images-value", v1);
        registry.register("images-value", v2);
        assertThat(registry.testCompatibility("images-value", v3).compatible()).isTrue();
        registry.setCompatibility("images-value", CompatibilityLevel.BACKWARD_TRANSITIVE);
        assertThat(registry.testCompatibility("images-value", v3).compatible()).isFalse();
    }

    @Test
    void shouldIsolateScopesAndForgetDroppedOnes() {
        int id = registry.register("a-value", v1);
        assertThatThrownBy(() -> MockSchemaRegistry.forScope(SCOPE + "-other").schemaById(id))
                .isInstanceOf(SchemaNotFoundException.class);
        MockSchemaRegistry.dropScope(SCOPE + "-other");
        MockSchemaRegistry.dropScope(SCOPE);
        assertThat(MockSchemaRegistry.scopes()).doesNotContain(SCOPE);
        assertThatThrownBy(() -> MockSchemaRegistry.forScope(SCOPE).schemaById(id))
                .isInstanceOf(SchemaNotFoundException.class).hasMessageContaining(String.valueOf(id));
    }

    @Test
    void shouldReportMissingSubjects() {
        assertThatThrownBy(() -> registry.latest("nothing-value"))
                .isInstanceOf(SubjectNotFoundException.class).hasMessageContaining("nothing-value");
        assertThatThrownBy(() -> registry.lookup("nothing-value", v1))
                .isInstanceOf(SubjectNotFoundException.class);
        assertThat(registry.testCompatibility("nothing-value", v1).compatible()).isTrue();
    }
}
