package io.quiver.bench.jmh;

import io.quiver.bench.BenchCommand;
import io.quiver.bench.BenchContext;
import io.quiver.bench.BenchEnvironment;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.Collection;

/**
 * {@code ops/quiver-bench jmh [jmh args]}: runs the JMH benchmarks of this module with JMH's own
 * command line ({@code -f 1 -wi 2 -i 3 SegmentScanSum}, {@code -l}, {@code -h}, {@code -p k=v} ...).
 * Forked JVMs get the root pom's {@code quiver.jvm.flags} as their JVM arguments (instead of JMH's
 * default, a copy of this JVM's arguments), so every benchmark runs with the same flags as the
 * server; {@code @Fork(jvmArgsAppend = ...)} on a benchmark (its heap size, say) still applies.
 */
public final class JmhCommand implements BenchCommand {
    @Override
    public String name() {
        return "jmh";
    }

    @Override
    public String summary() {
        return "JMH micro-benchmarks (io.quiver.bench.jmh.*Benchmark), JMH's own options";
    }

    @Override
    public String usage() {
        return """
                  any JMH option, e.g.  -f 1 -wi 2 -i 3 SegmentScanSumBenchmark
                  -l                    list the benchmarks
                  -h                    JMH's full option list
                Forked JVMs get quiver.jvm.flags (root pom) as -jvmArgs unless you pass -jvmArgs yourself.""";
    }

    @Override
    public int run(String[] args, BenchContext context) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        OutputFormat format = OutputFormatFactory.createFormatInstance(context.out(),
                cli.verbosity().orElse(VerboseMode.NORMAL));
        if (cli.shouldHelp()) {
            cli.showHelp();
            return 0;
        }
        Runner runner = new Runner(withQuiverFlags(cli), format);
        if (cli.shouldList()) {
            runner.list();
            return 0;
        }
        Collection<RunResult> results = runner.run();
        context.progress().say("jmh: %d benchmark result(s)", results.size());
        return results.isEmpty() ? 1 : 0;
    }

    /** The user's options, with the project's JVM flags for forks unless the user set -jvmArgs. */
    public static Options withQuiverFlags(Options user) {
        ChainedOptionsBuilder b = new OptionsBuilder().parent(user);
        if (!user.getJvmArgs().hasValue()) {
            b.jvmArgs(BenchEnvironment.jvmFlags());
        }
        return b.build();
    }
}
