package io.segline.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The registry child of {@code segline demo} stops when its parent goes, however the parent goes. */
@DisabledOnOs(OS.WINDOWS)
class ChildGuardTest {
    private static Optional<ProcessHandle> descendant(Process guard, String command, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> found = guard.descendants()
                    .filter(h -> h.info().command().map(c -> c.endsWith("/" + command)).orElse(false)).findFirst();
            if (found.isPresent()) {
                return found;
            }
            Thread.sleep(50);
        }
        return Optional.empty();
    }

    @Test
    void shouldStopTheCommandWhenTheParentsPipeCloses() throws Exception {
        Process guard = new ProcessBuilder(ApicurioRegistry.guarded(List.of("sleep", "600"))).start();
        try {
            ProcessHandle sleeper = descendant(guard, "sleep", Duration.ofSeconds(10)).orElseThrow();
            Thread.sleep(300);
            assertThat(sleeper.isAlive()).as("the command runs while the parent lives").isTrue();
            // What the kernel does when the parent exits, SIGKILL included: its end of the pipe closes.
            guard.getOutputStream().close();
            assertThat(sleeper.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(guard.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            guard.descendants().forEach(ProcessHandle::destroyForcibly);
            guard.destroyForcibly();
        }
    }

    @Test
    void shouldExitWithTheCommandsCodeWhenTheCommandEndsFirst() throws Exception {
        Process guard = new ProcessBuilder(ApicurioRegistry.guarded(List.of("sh", "-c", "exit 7"))).start();
        try {
            assertThat(guard.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(guard.exitValue()).isEqualTo(7);
        } finally {
            guard.getOutputStream().close();
            guard.destroyForcibly();
        }
    }
}
