package io.quiver.client.ingest;

/**
 * The few protobuf wire-format primitives the request encoder needs (varints, zigzag, tags,
 * little-endian fixed64), writing into a byte array at a position and returning the next one.
 */
final class ProtoWire {
    static final int VARINT = 0;
    static final int LEN = 2;

    private ProtoWire() {
    }

    static int varintSize(long v) {
        return (70 - Long.numberOfLeadingZeros(v | 1)) / 7;
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static int tag(int field, int wireType) {
        return (field << 3) | wireType;
    }

    /** Size of a length-delimited field (tag, length, payload), tag numbers below 16. */
    static int lenFieldSize(int payload) {
        return 1 + varintSize(payload) + payload;
    }

    static int writeVarint(byte[] out, int pos, long v) {
        while ((v & ~0x7FL) != 0) {
            out[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[pos++] = (byte) v;
        return pos;
    }

    /** Tag and length of a length-delimited field; the payload follows at the returned position. */
    static int writeLenHeader(byte[] out, int pos, int field, int payload) {
        out[pos++] = (byte) tag(field, LEN);
        return writeVarint(out, pos, payload);
    }

    static int writeBytes(byte[] out, int pos, int field, byte[] src, int from, int length) {
        pos = writeLenHeader(out, pos, field, length);
        System.arraycopy(src, from, out, pos, length);
        return pos + length;
    }

    static int writeFixed64(byte[] out, int pos, long v) {
        for (int i = 0; i < 8; i++) {
            out[pos++] = (byte) (v >>> (8 * i));
        }
        return pos;
    }
}
