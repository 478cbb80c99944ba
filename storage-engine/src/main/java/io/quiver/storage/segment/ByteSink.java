package io.quiver.storage.segment;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable little-endian byte buffer the writer encodes blocks and the footer into; reused via {@link #clear}. */
final class ByteSink {
    private byte[] buf;
    private int length;

    ByteSink(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    byte[] array() {
        return buf;
    }

    int length() {
        return length;
    }

    void clear() {
        length = 0;
    }

    void ensureRoom(int bytes) {
        int need = length + bytes;
        if (need > buf.length || need < 0) {
            if (need < 0) {
                throw new IllegalStateException("encoded data exceeds 2 GiB");
            }
            buf = Arrays.copyOf(buf, Math.max(need, (int) Math.min(Integer.MAX_VALUE - 8, buf.length * 2L)));
        }
    }

    void putByte(int v) {
        ensureRoom(1);
        buf[length++] = (byte) v;
    }

    void putInt(int v) {
        ensureRoom(4);
        SegmentFormat.INT_LE.set(buf, length, v);
        length += 4;
    }

    void putLong(long v) {
        ensureRoom(8);
        SegmentFormat.LONG_LE.set(buf, length, v);
        length += 8;
    }

    void putDouble(double v) {
        putLong(Double.doubleToRawLongBits(v));
    }

    void putBytes(byte[] src, int off, int len) {
        ensureRoom(len);
        System.arraycopy(src, off, buf, length, len);
        length += len;
    }

    /** int length + UTF-8 bytes. */
    void putString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        putInt(utf8.length);
        putBytes(utf8, 0, utf8.length);
    }

    /** Reserves {@code len} bytes and returns their start, for code that fills them directly. */
    int skip(int len) {
        ensureRoom(len);
        int at = length;
        length += len;
        return at;
    }
}
