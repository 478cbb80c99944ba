package io.quiver.flight.ingest;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Validates UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF), with an ASCII fast path. */
final class Utf8Check {
    private Utf8Check() {
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

    /**
     * True when {@code bytes[from, to)} is all ASCII, checked 8 bytes at a time. ASCII bytes never
     * belong to a multi-byte sequence, so a column's string data that is all ASCII holds only valid
     * strings wherever it is cut: one pass over the data instead of one check per string.
     */
    static boolean isAscii(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            if (((long) LONGS.get(bytes, i) & HIGH_BITS) != 0) {
                return false;
            }
        }
        for (; i < to; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code bytes[from, to)} is well-formed UTF-8. */
    static boolean isValid(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            int n;
            int min;
            if ((b & 0xE0) == 0xC0) {
                n = 1;
                min = 0x80;
            } else if ((b & 0xF0) == 0xE0) {
                n = 2;
                min = 0x800;
            } else if ((b & 0xF8) == 0xF0) {
                n = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + n >= to) {
                return false; // the sequence is cut off
            }
            int cp = b & (0x3F >> n);
            for (int k = 1; k <= n; k++) {
                int c = bytes[i + k];
                if ((c & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += n + 1;
        }
        return true;
    }
}
