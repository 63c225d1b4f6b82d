package io.segline.testing;

import java.time.Duration;

/**
 * The time one input may cost a decoder under fuzzing; going over it is a finding. Memory is bounded by the
 * fuzzing fork's small heap instead (an allocation beyond it is an {@link OutOfMemoryError}, also a finding):
 * counting a thread's allocated bytes does not work here, because Jazzer's own hooks allocate on the same thread
 * (a 1,000-character caption measured 406 MB under the hooks and 0.2 MB without them).
 */
public final class Budget {
    private Budget() {
    }

    /** Runs {@code work} and fails with an {@link AssertionError} if it took longer than {@code time}. */
    public static void within(Duration time, int inputLength, Runnable work) {
        long started = System.nanoTime();
        work.run();
        long took = System.nanoTime() - started;
        if (took > time.toNanos()) {
            throw new AssertionError("an input of " + inputLength + " bytes took " + took / 1_000_000 + " ms, more than "
                    + time.toMillis() + " ms");
        }
    }
}
