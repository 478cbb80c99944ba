package io.quiver.bench;

/**
 * One subcommand of {@code ops/quiver-bench}: a named, self-contained benchmark run that prints
 * progress to {@link BenchContext#progress()} while it works and its figures to
 * {@link BenchContext#out()} when it has them. Register a new one with one line in
 * {@link BenchMain#COMMANDS}.
 */
public interface BenchCommand {
    /** The word typed after {@code ops/quiver-bench}. */
    String name();

    /** One line for the command list. */
    String summary();

    /** The options this command takes, one per line, printed by {@code ops/quiver-bench <name> --help}. */
    String usage();

    /**
     * Runs the command.
     *
     * @param args the arguments after the subcommand's name
     * @return the process exit code: 0 when every figure was produced
     */
    int run(String[] args, BenchContext context) throws Exception;
}
