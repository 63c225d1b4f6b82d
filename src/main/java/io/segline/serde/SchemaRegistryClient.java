package io.segline.serde;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry REST API that segline uses. Implemented over HTTP by
 * {@link RestSchemaRegistryClient} (any Confluent-API registry: Confluent Schema Registry, Apicurio's
 * {@code /apis/ccompat/v7}, Karapace) and in memory by {@link MockSchemaRegistry} ({@code mock://scope}).
 *
 * <p>Implementations are thread-safe. Failures are {@link SchemaRegistryException}s whose message
 * names the subject or id involved.
 */
public interface SchemaRegistryClient {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with this global id. */
    Schema schemaById(int id);

    /** The version and id under which {@code subject} holds exactly this schema. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** The newest version registered under {@code subject}. */
    RegisteredSchema latest(String subject);

    /**
     * Whether {@code schema} could be registered under {@code subject} given the subject's compatibility
     * level. A subject with no versions accepts any schema.
     */
    CompatibilityResult testCompatibility(String subject, Schema schema);

    /** Sets the compatibility level of one subject. */
    void setCompatibility(String subject, CompatibilityLevel level);

    /** The subjects the registry holds. */
    List<String> subjects();

    /** Deletes a subject and all its versions; returns the versions deleted. */
    List<Integer> deleteSubject(String subject);

    /** A short description of where this client points, for error messages (never contains credentials). */
    String describe();
}
