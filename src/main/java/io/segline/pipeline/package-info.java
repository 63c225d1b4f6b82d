/**
 * The stage chain everything runs ({@link io.segline.pipeline.Pipeline}: segment, refine, measure for a batch),
 * the one place a segmenter is chosen ({@link io.segline.pipeline.Segmenters}), and the offline evaluation
 * built on them.
 */
package io.segline.pipeline;
