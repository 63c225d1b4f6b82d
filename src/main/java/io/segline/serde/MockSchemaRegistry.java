package io.segline.serde;

import io.segline.serde.SchemaRegistryException.IncompatibleSchemaException;
import io.segline.serde.SchemaRegistryException.SchemaNotFoundException;
import io.segline.serde.SchemaRegistryException.SubjectNotFoundException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * An in-memory registry behind {@code schema.registry.url=mock://<scope>}, for unit tests and
 * TopologyTestDriver tests. Every serde configured with the same scope name shares one registry;
 * {@link #dropScope} forgets it. It behaves like Confluent's registry where tests can see it: ids are
 * global and shared by identical schemas, registration is idempotent, the default compatibility
 * level is BACKWARD and an incompatible schema is refused with an {@link IncompatibleSchemaException}.
 */
public final class MockSchemaRegistry implements SchemaRegistryClient {
    private static final Map<String, MockSchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final String scope;
    private final Map<Integer, Schema> schemaById = new HashMap<>();
    private final Map<String, Integer> idByText = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new LinkedHashMap<>();
    private final Map<String, CompatibilityLevel> levelBySubject = new HashMap<>();
    private int nextId = 1;

    private MockSchemaRegistry(String scope) {
        this.scope = scope;
    }

    /** The registry of this scope, created empty on first use. */
    public static MockSchemaRegistry forScope(String scope) {
        return SCOPES.computeIfAbsent(scope, MockSchemaRegistry::new);
    }

    /** Forgets a scope; the next {@link #forScope} with the same name starts empty. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    /** Names of the scopes that exist now. */
    public static Set<String> scopes() {
        return Set.copyOf(SCOPES.keySet());
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
        Integer existing = idByText.get(schema.toString());
        if (existing != null && versions.contains(existing)) {
            return existing;
        }
        List<String> problems = incompatibilities(subject, schema);
        if (!problems.isEmpty()) {
            throw new IncompatibleSchemaException(subject, String.join("; ", problems), 409, 409);
        }
        int id = existing != null ? existing : nextId++;
        idByText.put(schema.toString(), id);
        schemaById.put(id, schema);
        versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemaById.get(id);
        if (schema == null) {
            throw new SchemaNotFoundException(id, "no schema with id " + id + " in mock scope '" + scope + "'", 404, 40403);
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        List<Integer> versions = versions(subject);
        Integer id = idByText.get(schema.toString());
        int index = id == null ? -1 : versions.indexOf(id);
        if (index < 0) {
            throw new SubjectNotFoundException(subject, "schema not registered under this subject", 404, 40403);
        }
        return new RegisteredSchema(subject, index + 1, id, schemaById.get(id));
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> versions = versions(subject);
        int id = versions.get(versions.size() - 1);
        return new RegisteredSchema(subject, versions.size(), id, schemaById.get(id));
    }

    @Override
    public synchronized CompatibilityResult testCompatibility(String subject, Schema schema) {
        List<String> problems = incompatibilities(subject, schema);
        return new CompatibilityResult(problems.isEmpty(), problems);
    }

    @Override
    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        levelBySubject.put(subject, level);
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    @Override
    public synchronized List<Integer> deleteSubject(String subject) {
        List<Integer> removed = versions(subject);
        versionsBySubject.remove(subject);
        List<Integer> numbers = new ArrayList<>();
        for (int i = 1; i <= removed.size(); i++) {
            numbers.add(i);
        }
        return numbers;
    }

    @Override
    public String describe() {
        return "mock://" + scope;
    }

    private List<Integer> versions(String subject) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SubjectNotFoundException(subject, "subject not found in mock scope '" + scope + "'", 404, 40401);
        }
        return versions;
    }

    private List<String> incompatibilities(String subject, Schema candidate) {
        List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
        CompatibilityLevel level = levelBySubject.getOrDefault(subject, CompatibilityLevel.BACKWARD);
        if (versions.isEmpty() || level == CompatibilityLevel.NONE) {
            return List.of();
        }
        List<Integer> against = level.transitive() ? versions : versions.subList(versions.size() - 1, versions.size());
        List<String> problems = new ArrayList<>();
        for (int id : against) {
            Schema existing = schemaById.get(id);
            if (level.checksBackward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, existing), "new schema cannot read data written with", id, problems);
            }
            if (level.checksForward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(existing, candidate), "data written with the new schema cannot be read by", id, problems);
            }
        }
        return problems;
    }

    private static void describe(SchemaPairCompatibility pair, String relation, int id, List<String> problems) {
        for (Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
            problems.add(relation + " schema id " + id + ": " + incompatibility.getType() + " at "
                    + incompatibility.getLocation() + " (" + incompatibility.getMessage() + ")");
        }
    }
}
