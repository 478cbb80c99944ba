package io.quiver.client.ingest;

import java.nio.charset.StandardCharsets;

/** Encodes a CharSequence as UTF-8 into a column's byte buffer. */
final class Utf8 {
    private Utf8() {
    }

    /** Writes {@code s} at {@code pos} of the column's string data; returns the end position. */
    static int encode(CharSequence s, ColumnBuffer into, int pos) {
        if (s instanceof String str) {
            // The JDK's own encoder is intrinsified (a plain copy for ASCII/Latin-1 strings); a charAt
            // loop over the same string took several times longer, which dominated columnar batches.
            byte[] utf8 = str.getBytes(StandardCharsets.UTF_8);
            byte[] out = into.utf8Capacity(pos + utf8.length);
            System.arraycopy(utf8, 0, out, pos, utf8.length);
            return pos + utf8.length;
        }
        int len = s.length();
        byte[] out = into.utf8Capacity(pos + len * 3); // worst case: 3 bytes per UTF-16 unit
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[pos++] = (byte) c;
            } else if (c < 0x800) {
                out[pos++] = (byte) (0xC0 | (c >>> 6));
                out[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[pos++] = (byte) (0xF0 | (cp >>> 18));
                out[pos++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
                out[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
                out[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                out[pos++] = (byte) '?'; // an unpaired surrogate has no UTF-8 form; String.getBytes does the same
            } else {
                out[pos++] = (byte) (0xE0 | (c >>> 12));
                out[pos++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
                out[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return pos;
    }
}
