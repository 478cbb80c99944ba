package io.quiver.query;

import io.quiver.query.catalog.StorageQueryCatalog;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.PartitionBy;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.TableSchema;
import io.quiver.storage.table.Table;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * GROUP BY a high-cardinality string, alone and with an integer key, over segment blocks whose
 * dictionaries overlap (few strings shared by every block), are disjoint (each block its own
 * strings) or are too large for a dictionary (plain blocks), plus memtable rows holding strings of
 * all of them; with NULLs, empty strings and non-ASCII text. Two workers fill partial tables that
 * are merged, so a string met by both must end in one group. Checked against Java.
 */
class HighCardinalityStringGroupingTest {
    private static final long T0 = 1_735_689_600_000_000L;
    private static final List<ColumnDef> COLS = List.of(new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("k", ColumnType.BIGINT), new ColumnDef("s", ColumnType.VARCHAR));
    private static final String[] WORDS = {"", "a", "é", "日本語", "naïve café", "😀 emoji", "straße", "x y", "Ω"};

    @TempDir
    Path dir;

    private static String s(long r) {
        if (r % 13 == 0) {
            return null;
        }
        if (r % 7 == 0) {
            return "";
        }
        String w = WORDS[(int) (r % WORDS.length)];
        if (r < 6_000) {
            return w + (r * 31 % 4); // few strings: dictionary blocks sharing most entries
        }
        if (r < 12_000) {
            return w + "/" + (r / 256) + "/" + (r % 5); // per-block strings: disjoint dictionaries
        }
        if (r < 18_000) {
            return "long-" + w + "-" + (r * 2_654_435_761L % 50_000); // mostly distinct: plain blocks
        }
        // the memtable: strings of every kind above, and some new
        return s(r % 18_000 + (r % 3 == 0 ? 1 : 0));
    }

    private static long k(long r) {
        return r % 11 == 0 ? -1 : r % 97;
    }

    private static void append(Table t, long from, long to) {
        RowBatch b = new RowBatch(COLS, (int) (to - from));
        for (long r = from; r < to; r++) {
            b.column(0).appendLong(T0 + r * 1_000_000L);
            b.column(1).appendLong(k(r));
            if (s(r) == null) {
                b.column(2).appendNull();
            } else {
                b.column(2).appendString(s(r));
            }
        }
        b.syncRowCount();
        t.append(null, b).join();
    }

    private static final Comparator<List<Object>> ROWS = (x, y) -> {
        for (int i = 0; i < x.size(); i++) {
            int c = Comparator.nullsFirst(Comparator.comparing(Object::toString)).compare(x.get(i), y.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

    private static List<List<Object>> sorted(List<List<Object>> rows) {
        List<List<Object>> copy = new ArrayList<>(rows);
        copy.sort(ROWS);
        return copy;
    }

    @Test
    void stringGroupsAgreeAcrossBlockDictionariesPlainBlocksAndTheMemtable() throws Exception {
        int flushed = 18_000;
        int total = 22_000;
        try (StorageEngine storage = StorageEngine.open(dir, StorageDifferentialTest.testConfig());
             QueryEngine engine = new QueryEngine(new StorageQueryCatalog(storage), QueryConfig.defaults().withParallelism(2))) {
            storage.createTable(new TableSchema("t", COLS, "ts", List.of(), PartitionBy.NONE, 1));
            Table t = storage.tableOrThrow("t");
            // several flushes: several segments, so both workers get splits
            for (long from = 0; from < flushed; from += 4_500) {
                append(t, from, Math.min(flushed, from + 4_500));
                t.flush();
            }
            append(t, flushed, total);

            Map<String, Long> byString = new HashMap<>();
            Map<List<Object>, Long> byPair = new HashMap<>();
            Map<String, Long> nonEmpty = new HashMap<>();
            for (long r = 0; r < total; r++) {
                String s = s(r);
                byString.merge(Objects.requireNonNullElse(s, "\u0000null"), 1L, Long::sum);
                byPair.merge(Arrays.asList(k(r), s), 1L, Long::sum);
                if (s != null && !s.isEmpty()) {
                    nonEmpty.merge(s, 1L, Long::sum);
                }
            }
            List<List<Object>> expected = new ArrayList<>();
            byString.forEach((s, c) -> expected.add(Arrays.asList(s.equals("\u0000null") ? null : s, c)));
            assertEquals(sorted(expected), sorted(Rows.query(engine, "SELECT s, count(*) FROM t GROUP BY s")));

            List<List<Object>> expectedPairs = new ArrayList<>();
            byPair.forEach((key, c) -> expectedPairs.add(Arrays.asList(key.get(0), key.get(1), c)));
            assertEquals(sorted(expectedPairs), sorted(Rows.query(engine, "SELECT k, s, count(*) FROM t GROUP BY k, s")));

            // COUNT(DISTINCT integer) per string group: small dense sets, then spread-out values (hashed sets) with NULLs
            Map<String, java.util.Set<Long>> dense = new HashMap<>();
            Map<String, java.util.Set<Long>> spread = new HashMap<>();
            for (long r = 0; r < total; r++) {
                String s = Objects.requireNonNullElse(s(r), "\u0000null");
                dense.computeIfAbsent(s, x -> new java.util.HashSet<>()).add(k(r));
                java.util.Set<Long> sp = spread.computeIfAbsent(s, x -> new java.util.HashSet<>());
                if (k(r) != -1) {
                    sp.add(k(r) * 1_000_003L);
                }
            }
            List<List<Object>> expectedDistinct = new ArrayList<>();
            dense.forEach((s, set) -> expectedDistinct.add(Arrays.asList(s.equals("\u0000null") ? null : s, (long) set.size(),
                    (long) spread.get(s).size())));
            assertEquals(sorted(expectedDistinct), sorted(Rows.query(engine,
                    "SELECT s, count(DISTINCT k), count(DISTINCT nullif(k, -1) * 1000003) FROM t GROUP BY s")));

            List<List<Object>> expectedNonEmpty = new ArrayList<>();
            nonEmpty.forEach((s, c) -> expectedNonEmpty.add(Arrays.asList(s, c)));
            assertEquals(sorted(expectedNonEmpty), sorted(Rows.query(engine, "SELECT s, count(*) FROM t WHERE s <> '' GROUP BY s")));
        }
    }
}
