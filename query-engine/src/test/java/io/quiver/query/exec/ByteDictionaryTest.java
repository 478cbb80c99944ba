package io.quiver.query.exec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ByteDictionaryTest {
    @Test
    void internsManyDistinctStringsAndFindsThemAgain() {
        ByteDictionary d = new ByteDictionary();
        int n = 100_000; // well past every initial capacity (a past bug: ids 128+ overflowed the hash array)
        for (int i = 0; i < n; i++) {
            byte[] b = ("value-" + i).getBytes(StandardCharsets.UTF_8);
            assertEquals(i, d.intern(b, 0, b.length));
        }
        for (int i = n - 1; i >= 0; i -= 7) {
            byte[] b = ("value-" + i).getBytes(StandardCharsets.UTF_8);
            assertEquals(i, d.intern(b, 0, b.length));
            assertArrayEquals(b, Arrays.copyOfRange(d.data(), d.start(i), d.end(i)));
        }
        assertEquals(n, d.size());
    }

    @Test
    void internRowsGivesTheIdsOfInternOneByOne() {
        ByteDictionary batched = new ByteDictionary();
        ByteDictionary single = new ByteDictionary();
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int batch = 0; batch < 40; batch++) {
            io.quiver.storage.vector.ColumnVector v = new io.quiver.storage.vector.ColumnVector(io.quiver.storage.ColumnType.VARCHAR, 4096);
            for (int i = 0; i < 4096; i++) {
                if (random.nextInt(30) == 0) {
                    v.appendNull();
                } else {
                    // lengths 0..40 cover the short-string and overlapping-tail cases of the hash
                    v.appendString("u/" + Integer.toString(random.nextInt(60_000), 36).repeat(random.nextInt(8)));
                }
            }
            int[] idx = new int[2048];
            for (int k = 0; k < idx.length; k++) {
                idx[k] = k * 2 + (batch & 1); // a selection: every other row
            }
            int[] ids = new int[idx.length];
            batched.internRows(v.bytes, v.offsets, v.nulls, idx, idx.length, ids);
            for (int k = 0; k < idx.length; k++) {
                int i = idx[k];
                int expected = v.nulls[i] ? -1 : single.intern(v.bytes, v.offsets[i], v.offsets[i + 1]);
                assertEquals(expected, ids[k], "batch " + batch + " row " + i);
            }
        }
        assertEquals(single.size(), batched.size());
    }
}
