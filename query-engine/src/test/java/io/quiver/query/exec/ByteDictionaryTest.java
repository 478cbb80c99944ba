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

    @Test
    void addEntriesAndAddAllHoldExactlyTheUnionOfTheirInputs() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        ByteDictionary a = new ByteDictionary(4);
        ByteDictionary b = new ByteDictionary(4);
        java.util.Set<String> inA = new java.util.HashSet<>();
        java.util.Set<String> inB = new java.util.HashSet<>();
        for (int block = 0; block < 60; block++) {
            // a block dictionary: distinct entries, some empty, some multi-byte; a subset of its codes is added
            java.util.LinkedHashSet<String> entries = new java.util.LinkedHashSet<>();
            int want = 1 + random.nextInt(3000);
            while (entries.size() < want) {
                entries.add(random.nextInt(50) == 0 ? "" : "phrase é " + random.nextInt(20_000));
            }
            io.quiver.storage.vector.ColumnVector dict = new io.quiver.storage.vector.ColumnVector(io.quiver.storage.ColumnType.VARCHAR, entries.size());
            entries.forEach(dict::appendString);
            String[] byCode = entries.toArray(new String[0]);
            int[] codes = new int[byCode.length];
            int n = 0;
            for (int c = 0; c < byCode.length; c++) {
                if (random.nextInt(3) != 0) {
                    codes[n++] = c;
                }
            }
            ByteDictionary target = block % 2 == 0 ? a : b;
            java.util.Set<String> expected = block % 2 == 0 ? inA : inB;
            target.addEntries(dict.bytes, dict.offsets, codes, n);
            for (int k = 0; k < n; k++) {
                expected.add(byCode[codes[k]]);
            }
            assertEquals(expected.size(), target.size(), "block " + block);
        }
        a.addAll(b);
        inA.addAll(inB);
        assertEquals(inA.size(), a.size());
        java.util.Set<String> held = new java.util.HashSet<>();
        for (int id = 0; id < a.size(); id++) {
            held.add(new String(a.data(), a.start(id), a.end(id) - a.start(id), StandardCharsets.UTF_8));
        }
        assertEquals(inA, held);
    }

    /**
     * Strings of every length to 100 that share all but one byte with a base string (urls share long
     * prefixes): distinct hashes, distinct ids, found again by rows; and each string's value is its
     * own, -1 until set, and comes back from {@code internRows} in place of the id once set.
     */
    @Test
    void nearlyEqualStringsKeepDistinctHashesIdsAndValues() {
        ByteDictionary d = new ByteDictionary(4);
        java.util.List<byte[]> all = new java.util.ArrayList<>();
        java.util.Set<Long> hashes = new java.util.HashSet<>();
        byte[] base = "https://shop.example.com/product/garden/123456?ref=a&utm=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                .getBytes(StandardCharsets.UTF_8);
        all.add(new byte[0]);
        for (int len = 1; len <= 100; len++) {
            byte[] b = Arrays.copyOf(base, len);
            all.add(b);
            for (int at = 0; at < len; at++) {
                byte[] c = b.clone();
                c[at] ^= 0x01;
                all.add(c);
                byte[] e = b.clone();
                e[at] = (byte) 0xC3; // a non-ASCII byte
                all.add(e);
            }
        }
        java.util.Map<String, Integer> first = new java.util.HashMap<>();
        for (byte[] b : all) {
            String key = Arrays.toString(b);
            int id = d.intern(b, 0, b.length);
            Integer seen = first.putIfAbsent(key, id);
            if (seen == null) {
                assertEquals(first.size() - 1, id, "a new string gets the next id");
                assertEquals(true, hashes.add(Values.hashBytes(b, 0, b.length)), "hash collision at " + key);
            } else {
                assertEquals(seen.intValue(), id);
            }
        }
        assertEquals(first.size(), d.size());
        // as rows of one block: all found, none added
        io.quiver.storage.vector.ColumnVector v = new io.quiver.storage.vector.ColumnVector(io.quiver.storage.ColumnType.VARCHAR, all.size());
        for (byte[] b : all) {
            v.appendBytes(b, 0, b.length);
        }
        int n = all.size();
        int[] idx = new int[n];
        for (int k = 0; k < n; k++) {
            idx[k] = n - 1 - k;
        }
        int[] ids = new int[n];
        d.internRows(v.bytes, v.offsets, null, idx, n, ids);
        for (int k = 0; k < n; k++) {
            byte[] b = all.get(idx[k]);
            assertEquals(first.get(Arrays.toString(b)).intValue(), ids[k]);
            assertArrayEquals(b, Arrays.copyOfRange(d.data(), d.start(ids[k]), d.end(ids[k])));
        }
        assertEquals(first.size(), d.size());
        for (int id = 0; id < d.size(); id++) {
            assertEquals(-1, d.value(id));
            if (id % 2 == 0) {
                d.setValue(id, 1_000_000 + id);
            }
        }
        d.internRows(v.bytes, v.offsets, null, idx, n, ids, true);
        for (int k = 0; k < n; k++) {
            int id = first.get(Arrays.toString(all.get(idx[k])));
            assertEquals(id % 2 == 0 ? 1_000_000 + id : -2 - id, ids[k]);
        }
    }
}
