package io.segline.serde;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.avro.Schema;

/**
 * Caches a registry's answers in both directions: schema to id (register, lookup) and id to schema,
 * so a serde calls the registry once per schema rather than once per record. Registered ids and
 * versions never change in a registry, so those entries never expire; the latest version of a
 * subject does change and is kept for {@link RegistryConfig#latestCacheTtl()} (negative: forever).
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {
    private record SubjectSchema(String subject, Schema schema) {
    }

    private record Timed<T>(T value, long atNanos) {
    }

    private final SchemaRegistryClient delegate;
    private final Duration latestTtl;
    private final LongSupplier nanoClock;
    private final Map<SubjectSchema, Integer> idBySchema = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, RegisteredSchema> versionBySchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();
    private final Map<String, Timed<RegisteredSchema>> latestBySubject = new ConcurrentHashMap<>();

    public CachingSchemaRegistryClient(SchemaRegistryClient delegate, Duration latestTtl) {
        this(delegate, latestTtl, System::nanoTime);
    }

    CachingSchemaRegistryClient(SchemaRegistryClient delegate, Duration latestTtl, LongSupplier nanoClock) {
        this.delegate = delegate;
        this.latestTtl = latestTtl;
        this.nanoClock = nanoClock;
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idBySchema.get(key);
        if (cached != null) {
            return cached;
        }
        int id = delegate.register(subject, schema);
        idBySchema.put(key, id);
        schemaById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        Schema schema = delegate.schemaById(id);
        Schema raced = schemaById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        RegisteredSchema cached = versionBySchema.get(key);
        if (cached != null) {
            return cached;
        }
        RegisteredSchema found = delegate.lookup(subject, schema);
        versionBySchema.put(key, found);
        idBySchema.putIfAbsent(key, found.id());
        schemaById.putIfAbsent(found.id(), schema);
        return found;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        Timed<RegisteredSchema> cached = latestBySubject.get(subject);
        long now = nanoClock.getAsLong();
        if (cached != null && (latestTtl.isNegative() || now - cached.atNanos() < latestTtl.toNanos())) {
            return cached.value();
        }
        RegisteredSchema latest = delegate.latest(subject);
        latestBySubject.put(subject, new Timed<>(latest, now));
        schemaById.putIfAbsent(latest.id(), latest.schema());
        return latest;
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        return delegate.testCompatibility(subject, schema);
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        delegate.setCompatibility(subject, level);
    }

    @Override
    public List<String> subjects() {
        return delegate.subjects();
    }

    @Override
    public List<Integer> deleteSubject(String subject) {
        List<Integer> deleted = delegate.deleteSubject(subject);
        idBySchema.keySet().removeIf(k -> k.subject().equals(subject));
        versionBySchema.keySet().removeIf(k -> k.subject().equals(subject));
        latestBySubject.remove(subject);
        return deleted;
    }

    @Override
    public String describe() {
        return delegate.describe();
    }
}
