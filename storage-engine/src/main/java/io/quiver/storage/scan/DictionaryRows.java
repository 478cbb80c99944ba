package io.quiver.storage.scan;

import io.quiver.storage.vector.ColumnVector;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Writes the per-row strings of a dictionary-coded VARCHAR vector ({@link ColumnVector#dictCodes}
 * + {@link ColumnVector#dictionary}, code -1 on null rows) into its {@code bytes}/{@code offsets}:
 * for every row, or only for the rows a filter kept (the others read as empty strings). Lets a
 * scan hand blocks over as codes, evaluate predicates once per dictionary entry, and pay for the
 * strings only where someone reads them.
 */
public final class DictionaryRows {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Slack kept after the strings so short values can be copied 16 bytes at a time. */
    private static final int PADDING = 16;

    private DictionaryRows() {
    }

    /** Materialises rows {@code [0, rows)} of a dictionary-coded vector. */
    public static void materializeAll(ColumnVector v, int rows) {
        int[] codes = v.dictCodes;
        int[] dictOffsets = v.dictionary.offsets;
        long total = 0;
        for (int i = 0; i < rows; i++) {
            int c = codes[i];
            total += c < 0 ? 0 : dictOffsets[c + 1] - dictOffsets[c];
        }
        byte[] dst = reserve(v, total);
        byte[] dictBytes = v.dictionary.bytes;
        int[] offsets = v.offsets;
        boolean fast = dictBytes.length >= v.dictionary.byteSize() + PADDING;
        int at = 0;
        offsets[0] = 0;
        for (int i = 0; i < rows; i++) {
            int c = codes[i];
            if (c >= 0) {
                at = copy(dictBytes, dictOffsets[c], dictOffsets[c + 1] - dictOffsets[c], dst, at, fast);
            }
            offsets[i + 1] = at;
        }
    }

    /**
     * Materialises only rows {@code sel[0 .. count)} (ascending) of a vector of {@code rows} rows;
     * every other row reads as the empty string.
     */
    public static void materializeSelected(ColumnVector v, int rows, int[] sel, int count) {
        int[] codes = v.dictCodes;
        int[] dictOffsets = v.dictionary.offsets;
        long total = 0;
        for (int k = 0; k < count; k++) {
            int c = codes[sel[k]];
            total += c < 0 ? 0 : dictOffsets[c + 1] - dictOffsets[c];
        }
        byte[] dst = reserve(v, total);
        byte[] dictBytes = v.dictionary.bytes;
        int[] offsets = v.offsets;
        boolean fast = dictBytes.length >= v.dictionary.byteSize() + PADDING;
        int at = 0;
        int row = 0;
        offsets[0] = 0;
        for (int k = 0; k < count; k++) {
            int i = sel[k];
            while (row < i) {
                offsets[++row] = at; // rows the filter dropped: empty
            }
            int c = codes[i];
            if (c >= 0) {
                at = copy(dictBytes, dictOffsets[c], dictOffsets[c + 1] - dictOffsets[c], dst, at, fast);
            }
            offsets[++row] = at;
        }
        while (row < rows) {
            offsets[++row] = at;
        }
    }

    private static byte[] reserve(ColumnVector v, long total) {
        if (total > Integer.MAX_VALUE - PADDING) {
            throw new IllegalArgumentException("dictionary block expands beyond 2 GiB [bytes=" + total + ']');
        }
        v.ensureByteCapacity((int) total + PADDING);
        return v.bytes;
    }

    private static int copy(byte[] src, int from, int len, byte[] dst, int at, boolean fast) {
        if (fast && len <= 16) {
            // two unaligned 8-byte moves instead of a byte loop: both arrays have 16 bytes of slack,
            // and the bytes written past this value are overwritten by the next one
            LONG_LE.set(dst, at, (long) LONG_LE.get(src, from));
            LONG_LE.set(dst, at + 8, (long) LONG_LE.get(src, from + 8));
        } else {
            System.arraycopy(src, from, dst, at, len);
        }
        return at + len;
    }
}
