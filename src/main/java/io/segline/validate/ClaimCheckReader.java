package io.segline.validate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * Reads one claim-check file off the stream thread, within a time and a byte budget. The file is
 * opened without following a link in its last component (the real path was checked against the roots
 * before), so a link swapped in after the check is refused. A read that does not finish in time (a file
 * swapped for a FIFO between the check and the open, a hung network mount) ends the capture as
 * {@code claim-check-timeout}; the reader thread, a daemon, is abandoned and its open file left to the
 * operating system, which an interrupt cannot stop.
 */
final class ClaimCheckReader {
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "segline-claim-check-reader");
        t.setDaemon(true);
        return t;
    });

    private ClaimCheckReader() {
    }

    static byte[] read(Path file, long maxBytes, Duration timeout) {
        Future<byte[]> reading = READERS.submit(() -> {
            try (InputStream in = Channels.newInputStream(java.nio.file.Files.newByteChannel(file,
                    java.util.Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)))) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw new ValidationException("image-too-large", "The claim-check file " + file + " grew beyond"
                            + " segline.max.image.bytes=" + maxBytes + " while it was read");
                }
                return bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return reading.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            reading.cancel(true);
            throw new ValidationException("claim-check-timeout", "Reading the claim-check file " + file + " took longer than "
                    + timeout.toMillis() + " ms (segline.claim.check.timeout.ms): a slow or hung mount, or not a regular file");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reading.cancel(true);
            throw new IllegalStateException("Interrupted while reading the claim-check file " + file, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ValidationException v) {
                throw v;
            }
            if (cause instanceof UncheckedIOException io) {
                throw new ValidationException("claim-check-unreadable", "The claim-check file " + file + " cannot be read: "
                        + io.getCause().getMessage(), io.getCause());
            }
            throw new ValidationException("claim-check-unreadable", "The claim-check file " + file + " cannot be read: " + cause, cause);
        }
    }
}
