package io.segline.cli;

import io.segline.config.SeglineConfig.Keys;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --segmenter}, {@code --model} and {@code --device}, shared by the verbs that segment. */
public final class ModelOptions {
    @Option(names = "--segmenter", paramLabel = "MODE",
            description = "diffusion (the model named by --model) or baseline (the classical segmenter). Default: segline.segmenter, diffusion.")
    String segmenter;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "For diffusion: a packaged model's name (spirit-g, the default, or spirit-s), a folder with model.json and weights.params (segline train"
                    + " writes one), or torchscript:DIR for an exported denoiser. Default: segline.model, spirit-g.")
    String model;

    @Option(names = "--device", paramLabel = "DEVICE", description = "auto (a GPU when the engine sees one), cpu or gpu. Default: segline.device, auto.")
    String device;

    /** The chosen options as settings; unset ones are left out. */
    void putInto(Map<String, String> settings) {
        if (segmenter != null) {
            settings.put(Keys.SEGMENTER, segmenter);
        }
        if (model != null) {
            settings.put(Keys.MODEL, model);
        }
        if (device != null) {
            settings.put(Keys.DEVICE, device);
        }
    }
}
