package io.segline.model.diffusion;

import io.segline.model.Segmenter;
import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves a model reference ({@code segline.model}) to a denoiser: packaged name, folder, or {@code torchscript:DIR}. */
public final class Models {
    public static final String TORCHSCRIPT = "torchscript:";
    /** The packaged model the line uses unless told otherwise. */
    public static final String DEFAULT = "spirit-g";

    private Models() {
    }

    /** Fails with a clear message when the reference names nothing loadable. */
    public static void check(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new IllegalArgumentException("segline.model is empty: name a packaged model (spirit-g, spirit-s), a model folder or torchscript:DIR");
        }
        if (reference.startsWith(TORCHSCRIPT)) {
            TorchScriptDenoiser.checkFolder(Path.of(reference.substring(TORCHSCRIPT.length())));
            return;
        }
        Path dir = Path.of(reference);
        if (Files.isDirectory(dir)) {
            if (!Files.isRegularFile(dir.resolve(DiffusionModel.DESCRIPTION))) {
                throw new IllegalArgumentException(dir + " is not a segline model folder: it has no " + DiffusionModel.DESCRIPTION);
            }
            return;
        }
        if (Models.class.getResource("/models/" + reference + "/" + DiffusionModel.DESCRIPTION) == null) {
            throw new IllegalArgumentException("No model '" + reference + "': not a folder, not torchscript:DIR, and no packaged model has that name");
        }
    }

    /** Whether the model a reference names has an image pathway (G4Seg refinement needs one). */
    public static boolean hasImagePathway(String reference) {
        check(reference);
        if (reference.startsWith(TORCHSCRIPT)) {
            return false;
        }
        Path dir = Path.of(reference);
        return Files.isDirectory(dir) ? ImagePathway.isIn(dir) : ImagePathway.isPackagedWith(reference);
    }

    public static Denoiser denoiser(String reference, String device) {
        check(reference);
        if (reference.startsWith(TORCHSCRIPT)) {
            return TorchScriptDenoiser.load(Path.of(reference.substring(TORCHSCRIPT.length())), DiffusionModel.device(device));
        }
        Path dir = Path.of(reference);
        return Files.isDirectory(dir) ? DiffusionModel.load(dir, DiffusionModel.device(device))
                : DiffusionModel.loadResource(reference, DiffusionModel.device(device));
    }

    /** One of segline's own models (a packaged name or a folder written by {@code segline train}), e.g. to fine-tune it. */
    public static DiffusionModel own(String reference, Device device) {
        if (reference.startsWith(TORCHSCRIPT)) {
            throw new IllegalArgumentException("A TorchScript model cannot be fine-tuned here; start from a segline model (spirit-g) or a folder");
        }
        check(reference);
        Path dir = Path.of(reference);
        return Files.isDirectory(dir) ? DiffusionModel.load(dir, device) : DiffusionModel.loadResource(reference, device);
    }

    public static Segmenter segmenter(Segmenter.Spec spec) {
        Denoiser denoiser = denoiser(spec.model(), spec.device());
        if (spec.symmetryOff()) {
            if (!(denoiser instanceof DiffusionModel model)) {
                denoiser.close();
                throw new IllegalArgumentException("segline.model.symmetry.off applies to segline's own models, not " + spec.model());
            }
            model.net().switchOffSymmetry();
        }
        if (spec.support() != null) {
            if (!(denoiser instanceof DiffusionModel model)) {
                denoiser.close();
                throw new IllegalArgumentException("segline.support needs one of segline's own models with support attention, not " + spec.model());
            }
            try {
                model.useSupport(SupportSet.load(Path.of(spec.support()), model.config()));
            } catch (RuntimeException e) {
                denoiser.close();
                throw e;
            }
        }
        return new DiffusionSegmenter(denoiser, spec.mode(), spec.blankCaptions(), spec.steps(), spec.samples());
    }
}
