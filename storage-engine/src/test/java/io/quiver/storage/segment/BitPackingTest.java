package io.quiver.storage.segment;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BitPackingTest {
    @Test
    void everyWidthRoundTripsAtEveryAlignment() {
        long seed = 20261123L;
        Random rnd = new Random(seed);
        for (int width = 0; width <= 64; width++) {
            for (int count : new int[]{0, 1, 7, 8, 63, 64, 65, 1000}) {
                long mask = width == 64 ? -1L : (1L << width) - 1;
                long base = rnd.nextLong();
                long[] values = new long[count];
                for (int i = 0; i < count; i++) {
                    long off = i % 5 == 0 ? mask : rnd.nextLong() & mask; // include the all-ones value
                    values[i] = base + off;
                }
                ByteSink sink = new ByteSink(16);
                sink.putByte(0xAB); // odd start offset
                BitPacking.pack(values, 0, count, base, width, sink);
                assertEquals(1 + BitPacking.packedLength(count, width), sink.length(), "w=" + width + " n=" + count);
                byte[] src = java.util.Arrays.copyOf(sink.array(), sink.length() + SegmentFormat.SCRATCH_PADDING);
                long[] out = new long[count + 1];
                BitPacking.unpack(src, 1, count, width, base, out, 1);
                for (int i = 0; i < count; i++) {
                    assertEquals(values[i], out[i + 1], "seed=" + seed + " width=" + width + " count=" + count + " i=" + i);
                }
            }
        }
    }

    @Test
    void intsRoundTrip() {
        long seed = 99L;
        Random rnd = new Random(seed);
        for (int width = 0; width <= 31; width++) {
            int n = 777;
            int[] values = new int[n];
            int max = 0;
            for (int i = 0; i < n; i++) {
                values[i] = width == 0 ? 0 : rnd.nextInt() >>> (32 - width);
                max = Math.max(max, values[i]);
            }
            ByteSink sink = new ByteSink(16);
            BitPacking.packInts(values, n, width, sink);
            byte[] src = java.util.Arrays.copyOf(sink.array(), sink.length() + SegmentFormat.SCRATCH_PADDING);
            int[] out = new int[n];
            assertEquals(max, BitPacking.unpackInts(src, 0, n, width, out), "seed=" + seed + " width=" + width);
            for (int i = 0; i < n; i++) {
                assertEquals(values[i], out[i], "seed=" + seed + " width=" + width + " i=" + i);
            }
        }
    }

    /** The eight-at-a-time int paths at every byte alignment, count (whole groups and tails) and width. */
    @Test
    void intsAtEveryAlignmentAndCount() {
        Random rnd = new Random(7);
        for (int width = 1; width <= 32; width++) {
            for (int count : new int[] {0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 8191, 8192}) {
                int[] values = new int[count];
                int max = 0;
                for (int i = 0; i < count; i++) {
                    values[i] = width == 32 ? rnd.nextInt() & Integer.MAX_VALUE : rnd.nextInt() >>> (32 - width);
                    max = Math.max(max, values[i]);
                }
                for (int offset = 0; offset < 8; offset++) {
                    ByteSink sink = new ByteSink(16);
                    for (int p = 0; p < offset; p++) {
                        sink.putByte(0xFF); // ones before the packed data must not leak into the first value
                    }
                    BitPacking.packInts(values, count, width, sink);
                    byte[] src = java.util.Arrays.copyOf(sink.array(), sink.length() + SegmentFormat.SCRATCH_PADDING);
                    java.util.Arrays.fill(src, sink.length(), src.length, (byte) 0xFF); // and ones after it
                    int[] out = new int[count + 3];
                    java.util.Arrays.fill(out, -7);
                    String at = "width=" + width + " count=" + count + " offset=" + offset;
                    assertEquals(max, BitPacking.unpackInts(src, offset, count, width, out), at);
                    for (int i = 0; i < count; i++) {
                        assertEquals(values[i], out[i], at + " i=" + i);
                    }
                    assertEquals(-7, out[count], at + ": wrote past count");
                }
            }
        }
    }
}
