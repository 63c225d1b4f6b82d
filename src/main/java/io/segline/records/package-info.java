/**
 * The Avro records (generated from {@code schemas/*.avsc}) and sample instances of them for tests and docs.
 */
package io.segline.records;
