package io.quiver.bench;

import java.io.PrintStream;

/**
 * What a {@link BenchCommand} writes to: figures go to {@code out} (stdout: Markdown tables that
 * can be pasted into RESULTS.md), progress to {@code progress} (stderr, timestamped).
 */
public record BenchContext(PrintStream out, Progress progress) {
}
