package io.quiver.bench.limits;

import io.quiver.bench.BenchCommand;
import io.quiver.bench.BenchContext;
import io.quiver.bench.BenchEnvironment;
import io.quiver.bench.Options;
import io.quiver.bench.ResultTable;
import io.quiver.bench.Samples;

import java.util.List;
import java.util.Locale;

/**
 * {@code ops/quiver-bench limits}: the ceilings a segment scan is compared with: memory read
 * bandwidth (a tight long[] sum), memcpy, CRC32C and the LZ4 safe decompressor on realistic data,
 * with one thread and with all cores.
 */
public final class LimitsCommand implements BenchCommand {
    @Override
    public String name() {
        return "limits";
    }

    @Override
    public String summary() {
        return "machine ceilings: memory bandwidth (long[] sum, memcpy), CRC32C, LZ4 safe decompression";
    }

    @Override
    public String usage() {
        return """
                  --mb=512        size of the long[] for sum and memcpy, MiB (well above the last-level cache)
                  --lz4-mb=64     raw size of each LZ4 corpus, MiB
                  --passes=5      timed passes per figure (after one warm-up pass); best and median reported
                  --threads=1,N   thread counts (N = cores)""";
    }

    @Override
    public int run(String[] args, BenchContext context) {
        Options o = Options.parse(args);
        int mb = o.intValue("mb", 512);
        int lz4Mb = o.intValue("lz4-mb", 64);
        int passes = o.intValue("passes", 5);
        List<Integer> threads = o.intList("threads", defaultThreads());
        o.rejectUnused();

        ResultTable table = new ResultTable("Machine limits", "limit", "threads", "best GB/s", "median GB/s",
                "as BIGINT rows/s (8 B/row)");
        context.progress().say("limits: filling a %d MiB long[]", mb);
        long[] data = MachineLimits.array(mb);
        for (int t : threads) {
            context.progress().say("limits: long[] sum, %d thread(s)", t);
            add(table, "long[] sum (read)", t, MachineLimits.sum(data, t, passes), true);
        }
        long[] dst = new long[data.length / 2];
        long[] src = new long[data.length / 2];
        System.arraycopy(data, 0, src, 0, src.length);
        data = null; // let the sum array go before allocating more; the heap is shared with the copy arrays
        for (int t : threads) {
            context.progress().say("limits: memcpy, %d thread(s)", t);
            add(table, "memcpy (System.arraycopy, bytes copied)", t, MachineLimits.copy(src, dst, t, passes), true);
        }
        src = null;
        dst = null;
        for (int t : threads) {
            context.progress().say("limits: CRC32C, %d thread(s)", t);
            add(table, "CRC32C, 32 KiB cache-resident buffer", t, MachineLimits.crc32c(256L << 20, t, passes), true);
        }
        for (Lz4Corpus corpus : List.of(Lz4Corpus.bigintCounters(lz4Mb, 7), Lz4Corpus.eventUrls(lz4Mb, 7))) {
            boolean bigint = corpus.name().startsWith("BIGINT");
            for (int t : threads) {
                context.progress().say("limits: LZ4 safe decompress (%s), %d thread(s)", corpus.name(), t);
                add(table, String.format(Locale.ROOT, "LZ4 safe decompress: %s (ratio %.2f), output bytes", corpus.name(),
                        corpus.ratio()), t, MachineLimits.lz4(corpus, t, passes), bigint);
            }
        }
        table.note("%s", BenchEnvironment.describe());
        table.note("best and median of %d passes after a warm-up pass; threads work on disjoint parts", passes);
        table.note("sum/memcpy over a %d MiB long[] (memcpy: two %d MiB halves); LZ4: %d MiB raw per corpus, 64 KiB blocks",
                mb, mb / 2, lz4Mb);
        table.print(context.out());
        return 0;
    }

    private static void add(ResultTable table, String what, int threads, Samples s, boolean asRows) {
        table.row(what, threads, ResultTable.fixed(s.best() / 1e9, 2), ResultTable.fixed(s.median() / 1e9, 2),
                asRows ? ResultTable.millions(s.best() / 8) : "-");
    }

    /** "1" and the core count. */
    public static String defaultThreads() {
        int cores = BenchEnvironment.cores();
        return cores > 1 ? "1," + cores : "1";
    }
}
