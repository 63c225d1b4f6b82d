/**
 * Avro in the Confluent wire format and a client for the Confluent registry API: typed exceptions that keep
 * bad data ({@code AvroWireFormatException}) apart from registry outages, and allocation guards on every
 * decoder. A leaf package.
 */
package io.segline.serde;
