package io.segline.model.diffusion;

import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import java.util.function.Function;

/**
 * What the PyTorch engine runs on: the libtorch version, where it came from and its flavour, the CUDA
 * runtime and the GPUs it sees. segline's jar carries the CPU build of libtorch; a GPU needs a CUDA build
 * of the same version named by {@code PYTORCH_LIBRARY_PATH} with {@code PYTORCH_FLAVOR} (e.g.
 * {@code cu128}), as {@code Dockerfile.gpu} sets up. DJL reads both from the environment or from system
 * properties of the same names.
 */
public record EngineInfo(String libtorchVersion, String libraryPath, String flavour, String cudaRuntime, int gpus) {
    public static final String LIBRARY_PATH = "PYTORCH_LIBRARY_PATH";
    public static final String FLAVOR = "PYTORCH_FLAVOR";

    /** The engine as loaded in this JVM (loads it if needed). */
    public static EngineInfo probe() {
        return probe(EngineInfo::setting, CudaUtils.hasCuda() ? CudaUtils.getCudaVersionString() : null,
                Engine.getEngine("PyTorch").getVersion(), Engine.getEngine("PyTorch").getGpuCount());
    }

    static EngineInfo probe(Function<String, String> settings, String cudaRuntime, String version, int gpus) {
        String path = settings.apply(LIBRARY_PATH);
        String flavour = settings.apply(FLAVOR);
        return new EngineInfo(version, path, flavour != null ? flavour : path == null ? "cpu" : "unknown", cudaRuntime, gpus);
    }

    private static String setting(String name) {
        String value = System.getProperty(name, System.getenv(name));
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** One line for the start-up log. */
    public String describe() {
        return "PyTorch engine: libtorch " + libtorchVersion + " (" + flavour + ", "
                + (libraryPath == null ? "bundled in segline's jar" : "from " + LIBRARY_PATH + "=" + libraryPath) + "), CUDA runtime "
                + (cudaRuntime == null ? "none" : cudaRuntime) + ", " + gpus + " GPU(s) visible";
    }

    /** Why {@code --device gpu} cannot run here, and what to do about it. */
    public String whyNoGpu() {
        String what = "--device gpu: the PyTorch engine sees no GPU (" + describe() + "). ";
        if (cudaRuntime == null) {
            return what + "No NVIDIA driver and CUDA runtime were found on this machine (nvidia-smi shows whether a driver is"
                    + " installed; in a container the GPU must be passed in: docker run --gpus all, or an nvidia.com/gpu resource"
                    + " request in Kubernetes).";
        }
        if (libraryPath == null || "cpu".equals(flavour)) {
            return what + "The libtorch in use is a CPU build. Point " + LIBRARY_PATH + " at the lib folder of a CUDA build of libtorch "
                    + libtorchVersion + " and set " + FLAVOR + " to its flavour (e.g. cu128); Dockerfile.gpu builds an image that does.";
        }
        return what + "A CUDA libtorch is in use but finds no device: check the driver's CUDA version against " + flavour
                + " (nvidia-smi) and CUDA_VISIBLE_DEVICES.";
    }
}
