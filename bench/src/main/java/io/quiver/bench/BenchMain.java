package io.quiver.bench;

import io.quiver.bench.flight.CeilingCommand;
import io.quiver.bench.flight.FlightCommand;
import io.quiver.bench.ingest.IngestCommand;
import io.quiver.bench.jmh.JmhCommand;
import io.quiver.bench.limits.LimitsCommand;
import io.quiver.bench.query.QueryCommand;
import io.quiver.bench.storage.StorageCommand;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code ops/quiver-bench <subcommand> [options]}. Figures go to stdout as Markdown
 * tables, progress to stderr.
 */
public final class BenchMain {
    /** Every subcommand. Adding one is one line here (ingest comes next). */
    static final List<BenchCommand> COMMANDS = List.of(
            new JmhCommand(),
            new StorageCommand(),
            new LimitsCommand(),
            new IngestCommand(),
            new QueryCommand(),
            new FlightCommand(),
            new CeilingCommand());

    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one subcommand and returns its exit code (0 ok, 1 failed, 2 bad usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            printCommands(args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        BenchCommand command = COMMANDS.stream().filter(c -> c.name().equals(args[0])).findFirst().orElse(null);
        if (command == null) {
            err.println("quiver-bench: unknown subcommand '" + args[0] + "'");
            printCommands(err);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (rest.length == 1 && (rest[0].equals("--help") || rest[0].equals("-h"))) {
            out.println("usage: ops/quiver-bench " + command.name() + " [options]\n" + command.summary() + "\n\n" + command.usage());
            return 0;
        }
        Progress progress = new Progress(err);
        progress.say("%s on %s", command.name(), BenchEnvironment.describe());
        try {
            int code = command.run(rest, new BenchContext(out, progress));
            progress.say("%s done (exit %d)", command.name(), code);
            return code;
        } catch (IllegalArgumentException e) {
            err.println("quiver-bench " + command.name() + ": " + e.getMessage());
            err.println("options:\n" + command.usage());
            return 2;
        } catch (Exception e) {
            err.println("quiver-bench " + command.name() + " failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    private static void printCommands(PrintStream s) {
        s.println("usage: ops/quiver-bench <subcommand> [options]   (ops/quiver-bench <subcommand> --help for its options)");
        for (BenchCommand c : COMMANDS) {
            s.printf("  %-8s %s%n", c.name(), c.summary());
        }
    }
}
