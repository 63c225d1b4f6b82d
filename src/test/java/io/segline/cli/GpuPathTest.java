package io.segline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The GPU path cannot run here (no GPU): what can be checked is that its image asks DJL for the libtorch
 * segline is built with, in a flavour whose JNI library segline carries, and that the check a GPU machine
 * runs fails fast and says why on a machine without one.
 */
class GpuPathTest {

    @Test
    void shouldBuildTheGpuImageOnTheLibtorchVersionSeglineIsBuiltWith() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile.gpu"));
        String pom = Files.readString(Path.of("pom.xml"));
        String libtorch = group(pom, "<libtorch.version>([^<]+)</libtorch.version>");
        assertThat(group(dockerfile, "ARG LIBTORCH_VERSION=(\\S+)")).as("Dockerfile.gpu's libtorch").isEqualTo(libtorch);
        String flavour = group(dockerfile, "ARG LIBTORCH_FLAVOR=(\\S+)");
        assertThat(dockerfile).contains("PYTORCH_LIBRARY_PATH=/opt/libtorch/lib").contains("PYTORCH_VERSION=${LIBTORCH_VERSION}")
                .contains("PYTORCH_FLAVOR=${LIBTORCH_FLAVOR}").contains("COPY target/segline.jar");
        // DJL loads the JNI library of that flavour from the pytorch-jni jar on the class path; nothing is downloaded.
        try (InputStream jni = getClass().getResourceAsStream("/jnilib/linux-x86_64/" + flavour + "/libdjl_torch.so")) {
            assertThat(jni).as("the JNI library for flavour %s in pytorch-jni", flavour).isNotNull();
        }
    }

    @Test
    void shouldFailFastSayingWhatIsMissingOnAMachineWithoutAGpu() throws Exception {
        Path script = Path.of("tools", "gpu-check");
        assertThat(Files.isExecutable(script)).as("tools/gpu-check is executable").isTrue();
        org.junit.jupiter.api.Assumptions.assumeFalse(hasNvidiaSmi(), "an NVIDIA driver is installed: this is the machine gpu-check is for");
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("gpu-check ends at once").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isEqualTo(2);
        assertThat(output).contains("gpu-check: no NVIDIA driver here (nvidia-smi not found)").contains("--gpus all");
    }

    private static boolean hasNvidiaSmi() {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, "nvidia-smi")));
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in the file", regex).isTrue();
        return m.group(1);
    }
}
