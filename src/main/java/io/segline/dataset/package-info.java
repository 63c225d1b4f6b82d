/**
 * Dataset folders (images, masks, captions.jsonl, classes.json) and the synthetic painters that write them
 * (ThangkaSynth, Composer, Atelier). Deterministic for a seed.
 */
package io.segline.dataset;
