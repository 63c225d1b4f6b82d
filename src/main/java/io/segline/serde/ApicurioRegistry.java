package io.segline.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real schema registry in a child process: Apicurio Registry with in-memory storage, bound to
 * 127.0.0.1 on a free port, serving the Confluent API at {@link #url()}. Used by the integration tests
 * and by {@code segline demo}.
 *
 * <p>The distribution is unpacked by the Maven build from Maven Central
 * ({@code io.apicurio:apicurio-registry-app:tar.gz:all}); nothing is downloaded at run time. It is found
 * through the system property {@code segline.registry.home}, the environment variable
 * {@code SEGLINE_REGISTRY_HOME}, or next to the segline classes ({@code target/registry}).
 *
 * <p>{@link #start} waits until the registry answers; {@link #close} stops the process, and a shutdown
 * hook stops it if the JVM exits first.
 */
public final class ApicurioRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApicurioRegistry.class);
    public static final String HOME_PROPERTY = "segline.registry.home";
    public static final String HOME_ENV = "SEGLINE_REGISTRY_HOME";
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private final Process process;
    private final Path runner;
    private final int port;
    private final Path storage;
    private final Path logFile;
    private final Thread shutdownHook;

    private ApicurioRegistry(Process process, Path runner, int port, Path storage, Path logFile) {
        this.process = process;
        this.runner = runner;
        this.port = port;
        this.storage = storage;
        this.logFile = logFile;
        this.shutdownHook = new Thread(this::stopProcess, "segline-registry-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a registry and waits up to two minutes for it to answer. */
    public static ApicurioRegistry start() {
        return start(locateDistribution(), Duration.ofMinutes(2));
    }

    /** Starts the registry whose runner jar is under {@code home} and waits until it answers. */
    public static ApicurioRegistry start(Path home, Duration timeout) {
        return start(home, null, timeout);
    }

    /**
     * Starts a registry that keeps its schemas in files under {@code storage} (an H2 database), so that
     * {@link #restart} brings back the same schemas under the same ids, as a registry with durable storage
     * does after an outage.
     */
    public static ApicurioRegistry startPersistent(Path storage) {
        return start(locateDistribution(), storage.toAbsolutePath(), Duration.ofMinutes(2));
    }

    private static ApicurioRegistry start(Path home, Path storage, Duration timeout) {
        Path runner = findRunnerJar(home).orElseThrow(() -> new IllegalStateException(
                "No Apicurio Registry runner jar under " + home + ": build with ./mvnw package, which unpacks it"));
        IllegalStateException lastFailure = null;
        // A free port can be taken by someone else between probing and binding; try a few.
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = freePort();
            ApicurioRegistry registry = launch(runner, port, storage);
            try {
                registry.awaitReady(timeout);
                log.debug("Schema registry ready at {}", registry.url());
                return registry;
            } catch (IllegalStateException e) {
                registry.close();
                lastFailure = e;
            }
        }
        throw lastFailure;
    }

    /**
     * Stops this registry and starts it again on the same port with the same storage, waiting until it
     * answers. Only a registry started with {@link #startPersistent} keeps its schemas across a restart.
     */
    public ApicurioRegistry restart(Duration timeout) {
        close();
        ApicurioRegistry again = launch(runner, port, storage);
        try {
            again.awaitReady(timeout);
        } catch (IllegalStateException e) {
            again.close();
            throw e;
        }
        return again;
    }

    /** Base URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}. */
    public String url() {
        return "http://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    public int port() {
        return port;
    }

    /** Process id of the registry's JVM (not of the shell that guards it), for operators who need to find it. */
    public long pid() {
        return registryProcess().pid();
    }

    /** Whether the registry process is still running. */
    public boolean isAlive() {
        return registryProcess().isAlive() || process.isAlive();
    }

    private ProcessHandle registryProcess() {
        String java = javaExecutable();
        return process.children().filter(h -> h.info().command().map(java::equals).orElse(false)).findFirst()
                .orElse(process.toHandle());
    }

    @Override
    public void close() {
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs (or ran) stopProcess itself.
        }
        try {
            Files.deleteIfExists(logFile);
        } catch (IOException e) {
            log.debug("Could not delete registry log {}", logFile, e);
        }
    }

    /** Where the build unpacked the registry, or where the property or environment variable points. */
    public static Path locateDistribution() {
        String configured = System.getProperty(HOME_PROPERTY, System.getenv(HOME_ENV));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try {
            // target/classes or target/segline.jar: the build unpacks the registry into target/registry.
            Path codeSource = Path.of(ApicurioRegistry.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return codeSource.getParent().resolve("registry");
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("Cannot tell where segline runs from; set -D" + HOME_PROPERTY, e);
        }
    }

    static Optional<Path> findRunnerJar(Path home) {
        if (!Files.isDirectory(home)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(home, 3)) {
            return files.filter(p -> p.getFileName().toString().matches("apicurio-registry-app-.*-runner\\.jar")).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApicurioRegistry launch(Path runner, int port, Path storage) {
        try {
            Path logFile = Files.createTempFile("segline-registry-", ".log");
            List<String> command = new ArrayList<>(List.of(
                    javaExecutable(),
                    "-Xms64m", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.log.console.color=false"));
            if (storage != null) {
                Files.createDirectories(storage);
                command.add("-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + storage.resolve("registry"));
            }
            command.addAll(List.of("-jar", runner.toAbsolutePath().toString()));
            Process process = new ProcessBuilder(guarded(command))
                    .directory(runner.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
            return new ApicurioRegistry(process, runner, port, storage, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the schema registry process", e);
        }
    }

    /**
     * The command wrapped so that it stops when this JVM dies, however it dies: a POSIX shell runs it in
     * the background and waits for the end of its own standard input (a pipe only this JVM holds; the
     * kernel closes it when this JVM exits, SIGKILL included), then stops the command. The shell exits
     * with the command's exit code when the command ends first. On Windows, where there is no such shell,
     * the command runs unguarded.
     */
    static List<String> guarded(List<String> command) {
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows")) {
            return command;
        }
        String script = "exec 3<&0\n"
                + "\"$@\" </dev/null &\n"
                + "child=$!\n"
                + "( cat <&3 >/dev/null; kill \"$child\" 2>/dev/null ) &\n"
                + "wait \"$child\"\n";
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", script, "segline-guard"));
        wrapped.addAll(command);
        return wrapped;
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects")).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The schema registry process exited with code " + process.exitValue()
                        + " before it was ready. Its log ends with:\n" + logTail());
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the schema registry", e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the schema registry", e);
            }
        }
        throw new IllegalStateException("The schema registry did not answer at " + url() + " within " + timeout
                + ". Its log ends with:\n" + logTail());
    }

    private void stopProcess() {
        // The guard shell's children (the registry's JVM among them) get the signal too, and are waited for:
        // the shell itself ends at once, the registry only when Quarkus has shut down.
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try {
            for (ProcessHandle h : all) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    try {
                        h.onExit().get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
                    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                        // Forced below.
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle h : all) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free local port for the schema registry", e);
        }
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
