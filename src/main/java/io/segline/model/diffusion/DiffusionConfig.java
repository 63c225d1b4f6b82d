package io.segline.model.diffusion;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The shape of a diffusion segmentation model, stored beside its weights as {@code model.json}.
 *
 * @param name            model name, e.g. {@code spirit-s}
 * @param version         model version, bumped with every retraining that is shipped
 * @param inputWidth      width the image is resampled to before the encoder
 * @param inputHeight     height the image is resampled to before the encoder
 * @param classes         mask channels (one per class)
 * @param vocabulary      caption word buckets (words are hashed into them; 0 = padding, 1 = start)
 * @param maxTokens       caption tokens kept, the start token included
 * @param width           channel width of the first encoder level (the others are 2×, 3× and 4×)
 * @param textDim         width of the text embedding
 * @param symmetry        whether the SyAM-style symmetry block is in the network
 * @param timesteps       diffusion timesteps T of the noise schedule
 * @param samplingSteps   DDIM steps at inference
 * @param samples         samples drawn per image at inference; their mean is the output, their spread
 *                        lowers the confidence
 */
public record DiffusionConfig(String name, String version, int inputWidth, int inputHeight, int classes, int vocabulary,
        int maxTokens, int width, int textDim, boolean symmetry, int timesteps, int samplingSteps, int samples) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public DiffusionConfig {
        if (inputWidth % 8 != 0 || inputHeight % 8 != 0) {
            throw new IllegalArgumentException("input size must be a multiple of 8, not " + inputWidth + "x" + inputHeight);
        }
        if (samplingSteps < 1 || samples < 1 || timesteps < samplingSteps) {
            throw new IllegalArgumentException("need 1 <= samplingSteps <= timesteps and samples >= 1");
        }
    }

    /** The shipped model's shape: 128×160 input, 64×80 mask, about a third of a million parameters. */
    public static DiffusionConfig defaults(String name) {
        return new DiffusionConfig(name, "1", 128, 160, 5, 1024, 48, 16, 48, true, 1000, 3, 2);
    }

    /** Width of the mask the diffusion runs on (half the input). */
    public int maskWidth() {
        return inputWidth / 2;
    }

    public int maskHeight() {
        return inputHeight / 2;
    }

    public DiffusionConfig withSymmetry(boolean on) {
        return new DiffusionConfig(name, version, inputWidth, inputHeight, classes, vocabulary, maxTokens, width, textDim, on,
                timesteps, samplingSteps, samples);
    }

    public DiffusionConfig withSampling(int steps, int sampleCount) {
        return new DiffusionConfig(name, version, inputWidth, inputHeight, classes, vocabulary, maxTokens, width, textDim, symmetry,
                timesteps, steps, sampleCount);
    }

    public void write(Path file) {
        try {
            JSON.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    public static DiffusionConfig read(InputStream in, String where) {
        try {
            return JSON.readValue(in, DiffusionConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the model description " + where + ": " + e.getMessage(), e);
        }
    }
}
