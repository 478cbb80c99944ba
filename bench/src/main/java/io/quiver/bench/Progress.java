package io.quiver.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Timestamped progress lines on stderr, so a long run shows what it is doing and for how long,
 * while stdout keeps only the figures. Thread-safe (PrintStream is).
 */
public final class Progress {
    private final PrintStream err;
    private final long startNanos = System.nanoTime();

    public Progress(PrintStream err) {
        this.err = err;
    }

    /** Prints {@code [  12.3s] message}. */
    public void say(String format, Object... args) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        err.printf(Locale.ROOT, "[%7.1fs] %s%n", seconds, String.format(Locale.ROOT, format, args));
    }

    public PrintStream stream() {
        return err;
    }
}
