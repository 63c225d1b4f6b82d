package io.segline.cli;

import io.segline.records.SampleRecords;
import io.segline.records.SampleRecords.Sample;
import io.segline.serde.ApicurioRegistry;
import io.segline.serde.AvroDeserializer;
import io.segline.serde.AvroSerializer;
import io.segline.serde.RegistryConfig;
import io.segline.serde.SchemaRegistryClient;
import io.segline.serde.SchemaRegistryClients;
import io.segline.serde.SubjectNames;
import io.segline.serde.WireFormat;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The embedded demo. It starts a real schema registry (Apicurio, in memory, on 127.0.0.1), writes one
 * record of every segline record type in the Confluent wire format, reads each back and shows what
 * went over the wire.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
                "Runs segline's embedded demo with nothing to install: starts a real schema registry"
                        + " (Apicurio Registry, in-memory, bound to 127.0.0.1), registers the schema of every segline"
                        + " record type under its topic's subject, writes a sample record of each in the Confluent"
                        + " wire format and reads it back.",
                "The streaming line itself (broker and topology) is not part of this build yet."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--registry-url", paramLabel = "URL",
            description = "Use this Confluent-API schema registry (http(s)://..., or mock://NAME for an in-memory one)"
                    + " instead of starting one.")
    String registryUrl;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ApicurioRegistry started = null;
        try {
            String url = registryUrl;
            if (url == null) {
                out.println("Starting a schema registry (Apicurio Registry, in-memory, 127.0.0.1) ...");
                out.flush();
                long t0 = System.nanoTime();
                started = ApicurioRegistry.start();
                url = started.url();
                out.printf("Registry ready at %s after %.1f s%n%n", url, (System.nanoTime() - t0) / 1e9);
            }
            RegistryConfig config = RegistryConfig.forUrl(url);
            SchemaRegistryClient client = SchemaRegistryClients.create(config);
            out.printf("%-20s %-24s %-32s %4s %7s  %s%n", "record", "topic", "subject", "id", "bytes", "read back");
            int failures = 0;
            for (Sample sample : SampleRecords.all()) {
                failures += roundTrip(sample, client, config, out) ? 0 : 1;
            }
            out.println();
            out.println("Each value is framed as magic byte 0 + 4-byte schema id + Avro binary (the Confluent wire"
                    + " format), so any Confluent-compatible client reads it with the same registry.");
            return failures == 0 ? 0 : 1;
        } finally {
            if (started != null) {
                started.close();
            }
        }
    }

    private static boolean roundTrip(Sample sample, SchemaRegistryClient client, RegistryConfig config, PrintWriter out) {
        SpecificRecord record = sample.record();
        @SuppressWarnings("unchecked")
        Class<SpecificRecord> type = (Class<SpecificRecord>) record.getClass();
        byte[] bytes;
        try (AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>(client, config, false);
                AvroDeserializer<SpecificRecord> deserializer = AvroDeserializer.specific(type).withClient(client)) {
            bytes = serializer.serialize(sample.topic(), record);
            Object back = deserializer.deserialize(sample.topic(), bytes);
            boolean same = record.equals(back);
            out.printf("%-20s %-24s %-32s %4d %7d  %s%n", record.getSchema().getName(), sample.topic(),
                    SubjectNames.topicNameStrategy(sample.topic(), false), WireFormat.schemaId(sample.topic(), bytes),
                    bytes.length, same ? "identical" : "DIFFERENT");
            return same;
        }
    }
}
