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
}
