package io.quiver.storage.segment;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.quiver.storage.segment.SegmentFixtures.FS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seeded random segments: values and zone maps must come back exactly, whatever encodings are chosen. */
class SegmentPropertyTest {
    @TempDir
    Path dir;

    private static final ColumnType[] TYPES = ColumnType.values();
    private static final String[] ALPHABET = {"a", "b", "z", "é", "日", "😀", " ", "0", "\u0000"};

    /** Fixed seed: deterministic in CI, and asserted to exercise the encodings. */
    @Test
    void fixedSeedSegmentsRoundTrip() {
        Set<Encoding> seenLong = EnumSet.noneOf(Encoding.class);
        Set<Encoding> seenVarchar = EnumSet.noneOf(Encoding.class);
        long seed = 20261123L;
        roundTrip(seed, seenLong, seenVarchar);
        assertEquals(EnumSet.of(Encoding.CONSTANT, Encoding.FOR_BITPACK, Encoding.DELTA_BITPACK, Encoding.PLAIN), seenLong,
                "seed=" + seed);
        assertEquals(EnumSet.of(Encoding.DICTIONARY, Encoding.PLAIN), seenVarchar, "seed=" + seed);
    }

    /** A fresh seed each run (or -Dquiver.test.seed=N to replay one printed in a failure). */
    @Test
    void freshSeedSegmentsRoundTrip() {
        roundTrip(Long.getLong("quiver.test.seed", System.nanoTime()), EnumSet.noneOf(Encoding.class), EnumSet.noneOf(Encoding.class));
    }

    private void roundTrip(long seed, Set<Encoding> seenLong, Set<Encoding> seenVarchar) {
        Random rnd = new Random(seed);
        for (int iter = 0; iter < 40; iter++) {
            String ctx = "seed=" + seed + " iter=" + iter;
            int rows = 1 + rnd.nextInt(rnd.nextBoolean() ? 50 : 3000);
            int blockRows = new int[]{1, 3, 64, 500, 8192}[rnd.nextInt(5)];
            int columns = 1 + rnd.nextInt(5);
            List<ColumnDef> cols = new ArrayList<>();
            List<List<Object>> values = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                ColumnType type = TYPES[rnd.nextInt(TYPES.length)];
                cols.add(new ColumnDef("c" + c, type));
                values.add(generate(rnd, type, rows));
            }
            Path file = dir.resolve("p" + seed + "-" + iter + ".seg");
            SegmentFixtures.write(file, cols, values, blockRows, 1 + rnd.nextInt(rows + 10));
            SegmentReader r = SegmentReader.open(FS, file);
            try {
                BlockDecoder scratch = new BlockDecoder();
                assertEquals(rows, r.rowCount(), ctx);
                for (int c = 0; c < columns; c++) {
                    String cctx = ctx + " column=" + cols.get(c);
                    assertEquals(values.get(c), SegmentFixtures.readColumn(r, c, scratch), cctx);
                    for (int b = 0; b < r.blockCount(); b++) {
                        int from = (int) r.blockFirstRow(b);
                        assertZoneMap(values.get(c).subList(from, from + r.blockRowCount(b)), cols.get(c).type(),
                                r.zoneMap(c, b), cctx + " block=" + b);
                        Encoding e = r.blockEncoding(c, b);
                        assertTrue(e.appliesTo(cols.get(c).type()), cctx);
                        (cols.get(c).type() == ColumnType.VARCHAR ? seenVarchar : cols.get(c).type().isLongPhysical() ? seenLong
                                : EnumSet.noneOf(Encoding.class)).add(e);
                    }
                    assertZoneMap(values.get(c), cols.get(c).type(), r.columnZoneMap(c), cctx + " segment");
                }
            } finally {
                r.release();
            }
        }
    }

    private static List<Object> generate(Random rnd, ColumnType type, int rows) {
        double nullRate = new double[]{0, 0, 0.05, 0.5, 1.0}[rnd.nextInt(5)];
        int shape = rnd.nextInt(5);
        List<Object> out = new ArrayList<>(rows);
        long base = rnd.nextLong() >> rnd.nextInt(64);
        long acc = base;
        String[] small = {"", "GET", "POST", "a-much-longer-value-" + "x".repeat(rnd.nextInt(80))};
        for (int i = 0; i < rows; i++) {
            if (rnd.nextDouble() < nullRate) {
                out.add(null);
                continue;
            }
            switch (type.physical()) {
                case LONG -> {
                    long v = switch (shape) {
                        case 0 -> base;
                        case 1 -> base + rnd.nextInt(1000);
                        case 2 -> acc += rnd.nextInt(3) + 1000; // sorted, regular
                        case 3 -> rnd.nextLong();
                        default -> rnd.nextInt(3) - 1;
                    };
                    out.add(type == ColumnType.BOOLEAN ? (Object) ((v & 1) == 1) : (Object) clamp(v, type));
                }
                case DOUBLE -> out.add(switch (shape) {
                    case 0 -> 1.25;
                    case 1 -> (double) rnd.nextInt(100);
                    case 2 -> new double[]{Double.NaN, -0.0, 0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                            Double.MIN_VALUE}[rnd.nextInt(6)];
                    default -> rnd.nextGaussian() * 1e6;
                });
                default -> out.add(switch (shape) {
                    case 0 -> "same";
                    case 1, 2 -> small[rnd.nextInt(small.length)];
                    default -> randomString(rnd, rnd.nextInt(shape == 3 ? 10 : 90));
                });
            }
        }
        return out;
    }

    private static long clamp(long v, ColumnType type) {
        if (v >= type.minValue() && v <= type.maxValue()) {
            return v;
        }
        return Math.floorMod(v, type.maxValue() - type.minValue() + 1) + type.minValue();
    }

    private static String randomString(Random rnd, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            sb.append(ALPHABET[rnd.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    /** Checks a zone map against statistics computed here independently from the Java values. */
    private static void assertZoneMap(List<Object> values, ColumnType type, ZoneMap z, String ctx) {
        assertEquals(values.size(), z.rowCount(), ctx);
        long nulls = values.stream().filter(v -> v == null).count();
        assertEquals(nulls, z.nullCount(), ctx);
        switch (type.physical()) {
            case LONG -> {
                List<Long> ls = values.stream().filter(v -> v != null).map(v -> v instanceof Boolean b ? (b ? 1L : 0L) : (Long) v).toList();
                assertEquals(!ls.isEmpty(), z.hasBounds(), ctx);
                if (!ls.isEmpty()) {
                    assertEquals(ls.stream().mapToLong(Long::longValue).min().orElseThrow(), z.minLong(), ctx);
                    assertEquals(ls.stream().mapToLong(Long::longValue).max().orElseThrow(), z.maxLong(), ctx);
                }
            }
            case DOUBLE -> {
                List<Double> ds = values.stream().filter(v -> v != null).map(v -> (Double) v).toList();
                assertEquals(ds.stream().anyMatch(d -> d.isNaN()), z.hasNaN(), ctx);
                double[] real = ds.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).toArray();
                assertEquals(real.length > 0, z.hasBounds(), ctx);
                if (real.length > 0) {
                    double min = Arrays.stream(real).min().orElseThrow();
                    double max = Arrays.stream(real).max().orElseThrow();
                    assertTrue(min == z.minDouble(), ctx + " min " + min + " vs " + z.minDouble()); // -0.0 == 0.0 is fine
                    assertTrue(max == z.maxDouble(), ctx + " max " + max + " vs " + z.maxDouble());
                }
            }
            case BYTES -> {
                List<byte[]> bs = values.stream().filter(v -> v != null).map(v -> ((String) v).getBytes(StandardCharsets.UTF_8)).toList();
                assertEquals(!bs.isEmpty(), z.hasBounds(), ctx);
                if (!bs.isEmpty()) {
                    byte[] min = bs.stream().min(Arrays::compareUnsigned).orElseThrow();
                    byte[] max = bs.stream().max(Arrays::compareUnsigned).orElseThrow();
                    assertEquals(min.length <= SegmentFormat.MAX_VARCHAR_BOUND_BYTES, z.isMinKnown(), ctx);
                    assertEquals(max.length <= SegmentFormat.MAX_VARCHAR_BOUND_BYTES, z.isMaxKnown(), ctx);
                    if (z.isMinKnown()) {
                        assertTrue(Arrays.equals(min, z.minBytes()), ctx);
                    }
                    if (z.isMaxKnown()) {
                        assertTrue(Arrays.equals(max, z.maxBytes()), ctx);
                    }
                }
            }
        }
    }
}
