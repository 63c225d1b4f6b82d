package io.segline.model.diffusion;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

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
 * @param classNames      the class of each mask channel, in label-map order (a dataset's {@code classes.json});
 *                        a model refuses data whose classes differ
 * @param tokenizer       how captions become tokens: {@code words} (hashed words only, the models of version 1)
 *                        or {@code attributes} (one token per stated attribute, then the words; {@link CaptionTokens})
 * @param support         whether the network has the support–query attention of SPIRIT's SGAF stage 1
 *                        (annotated paintings of a collection as extra keys and values)
 */
public record DiffusionConfig(String name, String version, int inputWidth, int inputHeight, int classes, int vocabulary,
        int maxTokens, int width, int textDim, boolean symmetry, int timesteps, int samplingSteps, int samples,
        List<String> classNames, String tokenizer, boolean support) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The five classes of the design, index = pixel value in label maps. */
    public static final List<String> THANGKA_CLASSES = List.of("background", "figure", "halo", "backlight", "lotus");
    public static final String WORDS = "words";
    public static final String ATTRIBUTES = "attributes";

    public DiffusionConfig {
        if (inputWidth % 8 != 0 || inputHeight % 8 != 0) {
            throw new IllegalArgumentException("input size must be a multiple of 8, not " + inputWidth + "x" + inputHeight);
        }
        if (samplingSteps < 1 || samples < 1 || timesteps < samplingSteps) {
            throw new IllegalArgumentException("need 1 <= samplingSteps <= timesteps and samples >= 1");
        }
        if (classNames == null) {
            // Descriptions written before class names were recorded: the design's five classes.
            classNames = classes == THANGKA_CLASSES.size() ? THANGKA_CLASSES
                    : java.util.stream.IntStream.range(0, classes).mapToObj(i -> "class" + i).toList();
        }
        classNames = List.copyOf(classNames);
        if (classNames.size() != classes) {
            throw new IllegalArgumentException("the model has " + classes + " mask channels but names " + classNames.size() + " classes");
        }
        tokenizer = tokenizer == null ? WORDS : tokenizer;
        if (!tokenizer.equals(WORDS) && !tokenizer.equals(ATTRIBUTES)) {
            throw new IllegalArgumentException("unknown caption tokenizer '" + tokenizer + "'; known: words, attributes");
        }
    }

    /** A shape without the version-2 additions: class names from the count, hashed words, no support attention. */
    public DiffusionConfig(String name, String version, int inputWidth, int inputHeight, int classes, int vocabulary,
            int maxTokens, int width, int textDim, boolean symmetry, int timesteps, int samplingSteps, int samples) {
        this(name, version, inputWidth, inputHeight, classes, vocabulary, maxTokens, width, textDim, symmetry, timesteps,
                samplingSteps, samples, null, WORDS, false);
    }

    /**
     * The shape of new models: 128×160 input, 64×80 mask, attribute tokens, support–query attention, the
     * design's five classes.
     */
    public static DiffusionConfig defaults(String name) {
        return new DiffusionConfig(name, "1", 128, 160, 5, 1024, 48, 16, 48, true, 1000, 3, 2, THANGKA_CLASSES, ATTRIBUTES, true);
    }

    /** This shape for another set of classes (one mask channel per class). */
    public DiffusionConfig withClasses(List<String> names) {
        return new DiffusionConfig(name, version, inputWidth, inputHeight, names.size(), vocabulary, maxTokens, width, textDim, symmetry,
                timesteps, samplingSteps, samples, names, tokenizer, support);
    }

    /** This shape under another name and version (e.g. a fine-tuned copy of a model). */
    public DiffusionConfig renamed(String newName, String newVersion) {
        return new DiffusionConfig(newName, newVersion, inputWidth, inputHeight, classes, vocabulary, maxTokens, width, textDim, symmetry,
                timesteps, samplingSteps, samples, classNames, tokenizer, support);
    }

    /** This shape with another network: first-level width, symmetry block, support attention. */
    public DiffusionConfig withNetwork(int newWidth, boolean withSymmetry, boolean withSupport) {
        return new DiffusionConfig(name, version, inputWidth, inputHeight, classes, vocabulary, maxTokens, newWidth, textDim, withSymmetry,
                timesteps, samplingSteps, samples, classNames, tokenizer, withSupport);
    }

    /** Width of the mask the diffusion runs on (half the input). */
    public int maskWidth() {
        return inputWidth / 2;
    }

    public int maskHeight() {
        return inputHeight / 2;
    }

    public DiffusionConfig withSymmetry(boolean on) {
        return withNetwork(width, on, support);
    }

    public DiffusionConfig withSampling(int steps, int sampleCount) {
        return new DiffusionConfig(name, version, inputWidth, inputHeight, classes, vocabulary, maxTokens, width, textDim, symmetry,
                timesteps, steps, sampleCount, classNames, tokenizer, support);
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
