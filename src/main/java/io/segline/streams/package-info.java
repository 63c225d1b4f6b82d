/**
 * The segmenting part of the line as a Kafka Streams topology ({@link io.segline.streams.SeglineTopology}:
 * validate, enrich, segment, refine, measure, sinks), its parallelism, the start-up checks and the embedded
 * broker. Pure topology building: no I/O until a runner starts it.
 */
package io.segline.streams;
