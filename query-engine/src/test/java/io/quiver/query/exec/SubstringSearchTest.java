package io.quiver.query.exec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubstringSearchTest {
    private static final String ALPHABET = "abcab-é€x";

    @Test
    void theVectorLoopIsAvailableUnderTheProjectsJvmFlags() {
        assertTrue(SubstringSearch.VECTOR, "jdk.incubator.vector missing: the search runs eight bytes at a time");
    }

    @Test
    void indexOfAgreesWithStringSearchOnRandomText() {
        Random r = new Random(42);
        for (int trial = 0; trial < 4000; trial++) {
            String text = random(r, r.nextInt(300));
            String needle = r.nextInt(4) == 0 && text.length() > 3
                    ? text.substring(r.nextInt(text.length() - 2)).substring(0, 1 + r.nextInt(2)) // often present
                    : random(r, 1 + r.nextInt(r.nextBoolean() ? 3 : 40));
            if (needle.isEmpty()) {
                continue;
            }
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            byte[] m = needle.getBytes(StandardCharsets.UTF_8);
            int from = b.length == 0 ? 0 : r.nextInt(b.length);
            int to = from + r.nextInt(b.length - from + 1);
            int expected = naive(b, from, to, m);
            SubstringSearch s = new SubstringSearch(m);
            assertEquals(expected, s.indexOf(b, from, to, true), () -> "vector: '" + needle + "' in '" + text + "'");
            assertEquals(expected, s.indexOf(b, from, to, false), () -> "scalar: '" + needle + "' in '" + text + "'");
        }
    }

    @Test
    void markRowsMatchesPerRowContainsAndNeverAcrossRows() {
        Random r = new Random(7);
        for (int trial = 0; trial < 500; trial++) {
            int rows = 1 + r.nextInt(200);
            String[] values = new String[rows];
            StringBuilder all = new StringBuilder();
            int[] offsets = new int[rows + 1];
            for (int i = 0; i < rows; i++) {
                values[i] = r.nextInt(8) == 0 ? "" : random(r, r.nextInt(30));
                all.append(values[i]);
                offsets[i + 1] = offsets[i] + values[i].getBytes(StandardCharsets.UTF_8).length;
            }
            byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
            String needle = random(r, 1 + r.nextInt(4));
            long[] out = new long[rows + 5];
            java.util.Arrays.fill(out, 9);
            new SubstringSearch(needle.getBytes(StandardCharsets.UTF_8)).markRows(bytes, offsets, rows, out);
            for (int i = 0; i < rows; i++) {
                assertEquals(values[i].contains(needle) ? 1 : 0, out[i], "row " + i + " '" + values[i] + "' needle '" + needle + "'");
            }
            assertEquals(9, out[rows], "wrote past the rows");
        }
    }

    @Test
    void aHitSpanningTwoRowsCountsForNeither() {
        byte[] bytes = "xxgoogle-pixyyy|el-zz".replace("|", "").getBytes(StandardCharsets.UTF_8);
        int[] offsets = {0, 11, 18}; // "xxgoogle-pi" + "xyyyel-zz" split so the needle straddles
        long[] out = new long[2];
        new SubstringSearch("google-pix".getBytes(StandardCharsets.UTF_8)).markRows(bytes, offsets, 2, out);
        assertEquals(0, out[0]);
        assertEquals(0, out[1]);
        long[] out2 = new long[2];
        new SubstringSearch("pix".getBytes(StandardCharsets.UTF_8)).markRows(bytes, new int[] {0, 12, 18}, 2, out2);
        assertEquals(1, out2[0]);
        assertEquals(0, out2[1]);
    }

    private static int naive(byte[] b, int from, int to, byte[] m) {
        outer:
        for (int p = from; p + m.length <= to; p++) {
            for (int k = 0; k < m.length; k++) {
                if (b[p + k] != m[k]) {
                    continue outer;
                }
            }
            return p;
        }
        return -1;
    }

    private static String random(Random r, int len) {
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
