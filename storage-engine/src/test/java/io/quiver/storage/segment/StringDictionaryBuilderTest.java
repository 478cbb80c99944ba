package io.quiver.storage.segment;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StringDictionaryBuilderTest {

    /** A block of values as the encoder sees it: concatenated bytes, offsets, null flags. */
    private record Block(byte[] bytes, int[] offsets, boolean[] nulls, int rows) {
        static Block of(List<byte[]> values) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int[] offsets = new int[values.size() + 1];
            boolean[] nulls = new boolean[values.size()];
            for (int i = 0; i < values.size(); i++) {
                byte[] v = values.get(i);
                nulls[i] = v == null;
                if (v != null) {
                    out.writeBytes(v);
                }
                offsets[i + 1] = out.size();
            }
            return new Block(out.toByteArray(), offsets, nulls, values.size());
        }

        byte[] value(int row) {
            return Arrays.copyOfRange(bytes, offsets[row], offsets[row + 1]);
        }
    }

    /** Builds, sorts and checks: codes in unsigned byte order of the values, every row mapped to its own value. */
    private static void assertSortedDictionary(List<byte[]> values) {
        Block block = Block.of(values);
        StringDictionaryBuilder dict = new StringDictionaryBuilder();
        assertTrue(dict.build(block.bytes, block.offsets, block.nulls, block.rows, block.rows));
        dict.sortAndRecode(block.bytes, block.offsets, block.rows);

        TreeSet<byte[]> expected = new TreeSet<>(Arrays::compareUnsigned);
        for (byte[] v : values) {
            if (v != null) {
                expected.add(v);
            }
        }
        List<byte[]> expectedOrder = new ArrayList<>(expected);
        if (expectedOrder.isEmpty()) {
            expectedOrder.add(new byte[0]); // an all-null block's synthetic entry
        }
        assertEquals(expectedOrder.size(), dict.size(), "distinct values");
        for (int code = 0; code < dict.size(); code++) {
            assertArrayEquals(expectedOrder.get(code), block.value(dict.rowOfCode(code)), "value of code " + code);
        }
        int[] codes = dict.codes();
        for (int row = 0; row < block.rows; row++) {
            if (!block.nulls[row]) {
                assertArrayEquals(block.value(row), block.value(dict.rowOfCode(codes[row])), "row " + row);
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void valuesThatArePrefixesOfEachOtherOrDifferOnlyPastEightBytesSortByUnsignedBytes() {
        List<byte[]> values = new ArrayList<>();
        for (String s : new String[] {"https://shop.example.com/p/1", "https://shop.example.com/p/10", "https://shop.example.com/p/",
                "https://shop.example.com/p/1/reviews", "https://shop.example.com/q", "https://shop.example.com/p/2",
                "https://shop.example.com/p/1", "https://shop.example.com/p/10"}) {
            values.add(utf8(s));
        }
        values.add(null);
        assertSortedDictionary(values);
    }

    @Test
    void zeroBytesHighBytesAndTheEmptyValueSortAsUnsigned() {
        List<byte[]> values = new ArrayList<>();
        values.add(new byte[0]);
        values.add(new byte[] {'a', 'b'});
        values.add(new byte[] {'a', 'b', 0});          // equal to "ab" once padded: only the tie-break tells
        values.add(new byte[] {'a', 'b', 0, 0, 0, 0, 0, 0, 0});
        values.add(new byte[] {'a', 'b', 0, 1});
        values.add(new byte[] {'a', 'b', (byte) 0xC3, (byte) 0xA9}); // "abé": above every ASCII continuation
        values.add(new byte[] {'a', 'b', 0x7F});
        values.add(utf8("日本"));
        values.add(new byte[] {(byte) 0xFF});
        assertSortedDictionary(values);
    }

    @Test
    void allNullBlockAndOneValueBlock() {
        assertSortedDictionary(Arrays.asList(null, null, null));
        assertSortedDictionary(List.of(utf8("same"), utf8("same"), utf8("same")));
    }

    @Test
    void randomBlocksWithLongSharedPrefixesMatchAReferenceSort() {
        Random random = new Random(20261206);
        for (int round = 0; round < 200; round++) {
            int rows = 1 + random.nextInt(3000);
            int distinct = 1 + random.nextInt(rows);
            String prefix = "x".repeat(random.nextInt(3) == 0 ? 0 : random.nextInt(40));
            List<byte[]> pool = new ArrayList<>();
            for (int d = 0; d < distinct; d++) {
                byte[] tail = new byte[random.nextInt(20)];
                for (int i = 0; i < tail.length; i++) {
                    tail[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(256)); // many 0, 1, 2 bytes
                }
                byte[] p = utf8(prefix);
                byte[] v = Arrays.copyOf(p, p.length + tail.length);
                System.arraycopy(tail, 0, v, p.length, tail.length);
                pool.add(v);
            }
            List<byte[]> values = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                values.add(random.nextInt(10) == 0 ? null : pool.get(random.nextInt(distinct)));
            }
            assertSortedDictionary(values);
        }
    }
}
