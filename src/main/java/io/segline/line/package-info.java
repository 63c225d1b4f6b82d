/**
 * The whole line: {@link io.segline.line.LineTopology} puts the segmenting topology and the monitor together,
 * {@link io.segline.line.StreamsRunner} runs it with exactly-once. The only package that knows both
 * {@code streams} and {@code monitor}.
 */
package io.segline.line;
