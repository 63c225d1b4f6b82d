/**
 * The diffusion segmenter (SPIRIT-style) on DJL's PyTorch engine: model files, denoiser, sampler, support
 * set, training. Every native resource has one owner and one thread; NDArrays live in per-step managers.
 */
package io.segline.model.diffusion;
