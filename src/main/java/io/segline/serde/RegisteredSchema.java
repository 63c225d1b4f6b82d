package io.segline.serde;

import org.apache.avro.Schema;

/** A schema as a registry holds it: the subject, its version there, and its global id. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
}
