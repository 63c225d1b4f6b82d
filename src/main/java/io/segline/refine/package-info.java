/**
 * Coarse-mask refinement: symmetry-aware refinement and G4Seg-style generation discrepancy, alone or chained
 * ({@link io.segline.refine.Refiner}). A refiner never fails an image for a lack of cues: it leaves the mask
 * and says why in the summary.
 */
package io.segline.refine;
