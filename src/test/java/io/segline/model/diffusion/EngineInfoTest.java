package io.segline.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The device check: what the engine runs on, and why a GPU cannot be had, told so that the reader can act. */
class EngineInfoTest {

    @Test
    void shouldDescribeTheBundledCpuBuildAndRefuseAGpuNamingWhatIsMissing() {
        EngineInfo here = EngineInfo.probe();
        org.junit.jupiter.api.Assumptions.assumeTrue(here.gpus() == 0, "a GPU is visible: the refusal cannot be seen here");
        assertThat(here.describe()).contains("libtorch " + here.libtorchVersion()).contains("0 GPU(s)");
        assertThatThrownBy(() -> DiffusionModel.device("gpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sees no GPU")
                .hasMessageContaining("libtorch " + here.libtorchVersion());
        assertThat(DiffusionModel.device("auto").isGpu()).as("auto falls back to the CPU").isFalse();
    }

    @Test
    void shouldSayWhatToDoInEachCaseWithoutAGpu() {
        EngineInfo noDriver = EngineInfo.probe(Map.<String, String>of()::get, null, "2.7.1", 0);
        assertThat(noDriver.flavour()).isEqualTo("cpu");
        assertThat(noDriver.describe()).contains("bundled in segline's jar").contains("CUDA runtime none");
        assertThat(noDriver.whyNoGpu()).contains("No NVIDIA driver").contains("--gpus all").contains("nvidia.com/gpu");

        EngineInfo cpuBuildOnGpuMachine = EngineInfo.probe(Map.<String, String>of()::get, "12.8", "2.7.1", 0);
        assertThat(cpuBuildOnGpuMachine.whyNoGpu()).contains("CPU build").contains("PYTORCH_LIBRARY_PATH")
                .contains("CUDA build of libtorch 2.7.1").contains("PYTORCH_FLAVOR").contains("Dockerfile.gpu");

        EngineInfo cudaBuild = EngineInfo.probe(Map.of("PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib", "PYTORCH_FLAVOR", "cu128")::get,
                "12.8", "2.7.1", 0);
        assertThat(cudaBuild.describe()).contains("cu128").contains("from PYTORCH_LIBRARY_PATH=/opt/libtorch/lib");
        assertThat(cudaBuild.whyNoGpu()).contains("CUDA_VISIBLE_DEVICES").contains("cu128");
    }
}
