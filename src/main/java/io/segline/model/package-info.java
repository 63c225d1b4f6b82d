/**
 * The segmentation stage's contract ({@link io.segline.model.Segmenter}: image and enriched caption to
 * per-class probabilities) and the classical baseline. A segmenter belongs to one thread.
 */
package io.segline.model;
