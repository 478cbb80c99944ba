package io.quiver.query;

import io.quiver.query.catalog.QueryCatalog;
import io.quiver.query.catalog.TableHandle;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.TableSchema;
import io.quiver.storage.scan.ColumnStats;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.scan.TableScan;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A quick throughput check, off by default ({@code -Dquiver.throughput=true}): SUM and a grouped
 * aggregate over N in-memory BIGINT rows, served by splits that memcpy 4096-row batches (so the
 * number measures the engine, not a row-by-row test scan).
 */
@EnabledIfSystemProperty(named = "quiver.throughput", matches = "true")
class ThroughputCheck {
    private static final int ROWS = Integer.getInteger("quiver.throughput.rows", 50_000_000);

    @Test
    void sumOverBigintColumn() {
        long[] values = new long[ROWS];
        long expected = 0;
        for (int i = 0; i < ROWS; i++) {
            values[i] = i % 1000;
            expected += values[i];
        }
        TableSchema schema = TableSchema.of("nums", "ts", List.of(new ColumnDef("ts", ColumnType.TIMESTAMP), new ColumnDef("v", ColumnType.BIGINT)));
        int splits = 64;
        List<ScanSplit> list = new ArrayList<>();
        for (int s = 0; s < splits; s++) {
            int from = (int) ((long) ROWS * s / splits);
            int to = (int) ((long) ROWS * (s + 1) / splits);
            list.add(new ArraySplit(values, from, to));
        }
        TableHandle handle = new TableHandle() {
            @Override
            public TableSchema schema() {
                return schema;
            }

            @Override
            public TableScan openScan() {
                return new TableScan() {
                    @Override
                    public TableSchema schema() {
                        return schema;
                    }

                    @Override
                    public List<ScanSplit> splits() {
                        return list;
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
        QueryCatalog catalog = new QueryCatalog() {
            public List<String> tableNames() {
                return List.of("nums");
            }

            public Optional<TableHandle> table(String name) {
                return Optional.of(handle);
            }

            public TableSchema createTable(TableSchema s, boolean ifNotExists) {
                throw new UnsupportedOperationException();
            }

            public void dropTable(String name, boolean ifExists) {
                throw new UnsupportedOperationException();
            }

            public TableSchema addColumn(String table, ColumnDef column) {
                throw new UnsupportedOperationException();
            }

            public long insert(String table, RowBatch rows) {
                throw new UnsupportedOperationException();
            }
        };
        int cores = Runtime.getRuntime().availableProcessors();
        try (QueryEngine engine = new QueryEngine(catalog, QueryConfig.defaults())) {
            for (String sql : List.of("SELECT sum(v) FROM nums", "SELECT sum(v) FROM nums WHERE v > 10", "SELECT v % 100, count(*), sum(v) FROM nums GROUP BY 1")) {
                long best = Long.MAX_VALUE;
                for (int run = 0; run < 5; run++) {
                    long t0 = System.nanoTime();
                    List<List<Object>> rows = Rows.query(engine, sql);
                    best = Math.min(best, System.nanoTime() - t0);
                    if (sql.equals("SELECT sum(v) FROM nums")) {
                        assertEquals(expected, rows.get(0).get(0));
                    }
                }
                double rps = ROWS / (best / 1e9);
                System.out.printf("%s: %d rows in %.1f ms = %.0f M rows/s (%.0f M rows/s per core, %d cores)%n",
                        sql, ROWS, best / 1e6, rps / 1e6, rps / 1e6 / cores, cores);
            }
        }
    }

    private record ArraySplit(long[] values, int from, int to) implements ScanSplit {
        public long rowCount() {
            return to - from;
        }

        public ColumnStats columnStats(int column) {
            return null;
        }

        public ScanCursor open(int[] columns, ScanPredicate predicate) {
            return new ScanCursor() {
                int pos = from;

                public boolean next(RowBatch out) {
                    int n = Math.min(4096, to - pos);
                    if (n <= 0) {
                        return false;
                    }
                    out.reset(n);
                    for (int c = 0; c < columns.length; c++) {
                        var v = out.column(c);
                        System.arraycopy(values, pos, v.longs, 0, n);
                        java.util.Arrays.fill(v.nulls, 0, n, false);
                    }
                    out.setRowCount(n);
                    pos += n;
                    return true;
                }

                public int maxBatchRows() {
                    return 4096;
                }

                public long blocksRead() {
                    return 0;
                }

                public long blocksSkipped() {
                    return 0;
                }

                public void close() {
                }
            };
        }

        public String describe() {
            return "array";
        }
    }
}
