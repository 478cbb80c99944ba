package io.quiver.storage.wal;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import io.quiver.storage.TableSchema;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Compact binary form of a {@link RowBatch}, used as the body of WAL DATA records. Layout
 * (little-endian; {@code varint} is unsigned LEB128, {@code zigzag} maps signed to unsigned):
 * <pre>
 * batch   := u8 version(1) | varint columnCount | column-def* | varint rowCount | column-data*
 * col-def := u8 typeId | u8 nameLength | name (ASCII identifier)
 * col-data:= u8 flags | [null bitmap: ceil(rows/8) bytes, bit i = row i is null] | values
 * flags   := bit 0 HAS_NULLS | bits 4..7 encoding
 * values  := FIXED64       rows x 8 bytes (long, or double raw bits)
 *          | VARINT        rows x varint(zigzag(value))
 *          | DELTA_VARINT  rows x varint(zigzag(value - previous)), previous starts at 0
 *          | UTF8          varint totalBytes | rows x varint length | totalBytes of UTF-8
 * </pre>
 * Null rows carry 0 (VARINT, FIXED64), a zero delta (DELTA_VARINT) or an empty string, and decode
 * to 0 / 0.0 / empty with their null flag set. The bitmap is omitted when a column has no nulls.
 * LONG-physical columns use whichever of FIXED64, VARINT and DELTA_VARINT is smallest for the
 * batch (timestamps and sequences shrink to 1-3 bytes as deltas; small counters as varints; random
 * 64-bit values stay fixed); DOUBLE is always FIXED64.
 *
 * <p>Decoding checks every count, length, type id, flag and value range against the bytes
 * actually present and throws {@link StorageException} CORRUPT on any mismatch, never an index
 * exception. An instance keeps scratch buffers and is not thread-safe: use one per thread.
 */
public final class RowBatchCodec {
    public static final int FORMAT_VERSION = 1;

    static final int FLAG_HAS_NULLS = 1;
    static final int FLAG_RESERVED_MASK = 0x0E;
    static final int ENC_FIXED64 = 0;
    static final int ENC_VARINT = 1;
    static final int ENC_DELTA_VARINT = 2;
    static final int ENC_UTF8 = 3;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    // ---- encode state
    private byte[] out = new byte[8192];
    private int outPos;

    // ---- decode state
    private byte[] in;
    private int inPos;
    private int inLimit;
    private byte[] copyScratch = new byte[0];
    private int[] nameOffsets = new int[16];
    private ColumnType[] typeScratch = new ColumnType[8];

    // ================================================================ encode

    /**
     * Encodes {@code batch}. The returned buffer wraps this codec's scratch array and is valid until
     * the next call on this codec.
     */
    public ByteBuffer encode(RowBatch batch) {
        beginOutput();
        encodeInto(batch);
        return output();
    }

    void beginOutput() {
        outPos = 0;
    }

    ByteBuffer output() {
        return ByteBuffer.wrap(out, 0, outPos).order(ByteOrder.LITTLE_ENDIAN);
    }

    void putU16(int v) {
        ensure(2);
        SHORT_LE.set(out, outPos, (short) v);
        outPos += 2;
    }

    void putI32(int v) {
        ensure(4);
        INT_LE.set(out, outPos, v);
        outPos += 4;
    }

    void putBytes(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, out, outPos, len);
        outPos += len;
    }

    void encodeInto(RowBatch batch) {
        int cols = batch.columnCount();
        int rows = batch.rowCount();
        if (cols < 1 || cols > TableSchema.MAX_COLUMNS) {
            throw StorageException.invalid("batch column count out of range [columns=" + cols + ", max=" + TableSchema.MAX_COLUMNS + ']');
        }
        ensure(16 + cols * (2 + ColumnDef.MAX_NAME_LENGTH));
        out[outPos++] = (byte) FORMAT_VERSION;
        putVarLongUnchecked(cols);
        for (int c = 0; c < cols; c++) {
            ColumnDef def = batch.columns().get(c);
            String name = def.name();
            out[outPos++] = def.type().id();
            out[outPos++] = (byte) name.length();
            for (int i = 0; i < name.length(); i++) {
                out[outPos++] = (byte) name.charAt(i); // identifiers are ASCII (ColumnDef validates)
            }
        }
        putVarLongUnchecked(rows);
        for (int c = 0; c < cols; c++) {
            ColumnVector v = batch.column(c);
            if (v.size() != rows) {
                throw StorageException.invalid("column holds a different row count than its batch [column="
                        + batch.columns().get(c).name() + ", rows=" + v.size() + ", batchRows=" + rows + ']');
            }
            boolean hasNulls = v.hasNulls && anyTrue(v.nulls, rows);
            switch (v.type().physical()) {
                case LONG -> encodeLongs(v, rows, hasNulls);
                case DOUBLE -> encodeDoubles(v, rows, hasNulls);
                case BYTES -> encodeStrings(v, rows, hasNulls);
            }
        }
    }

    private void encodeLongs(ColumnVector v, int rows, boolean hasNulls) {
        long[] values = v.longs;
        boolean[] nulls = v.nulls;
        long varBytes = 0;
        long deltaBytes = 0;
        long prev = 0;
        for (int i = 0; i < rows; i++) {
            boolean isNull = hasNulls && nulls[i];
            long value = isNull ? 0 : values[i];
            long deltaBase = isNull ? prev : values[i];
            varBytes += varLength(zigzag(value));
            deltaBytes += varLength(zigzag(deltaBase - prev));
            prev = deltaBase;
        }
        long fixedBytes = 8L * rows;
        int enc = ENC_FIXED64;
        long best = fixedBytes;
        if (varBytes < best) {
            enc = ENC_VARINT;
            best = varBytes;
        }
        if (deltaBytes < best) {
            enc = ENC_DELTA_VARINT;
            best = deltaBytes;
        }
        ensure(1 + bitmapBytes(rows) + best);
        putFlagsAndBitmap(enc, nulls, rows, hasNulls);
        byte[] o = out;
        int p = outPos;
        switch (enc) {
            case ENC_FIXED64 -> {
                for (int i = 0; i < rows; i++) {
                    LONG_LE.set(o, p, hasNulls && nulls[i] ? 0L : values[i]);
                    p += 8;
                }
            }
            case ENC_VARINT -> {
                for (int i = 0; i < rows; i++) {
                    p = putVarLong(o, p, zigzag(hasNulls && nulls[i] ? 0L : values[i]));
                }
            }
            default -> {
                long previous = 0;
                for (int i = 0; i < rows; i++) {
                    long value = hasNulls && nulls[i] ? previous : values[i];
                    p = putVarLong(o, p, zigzag(value - previous));
                    previous = value;
                }
            }
        }
        outPos = p;
    }

    private void encodeDoubles(ColumnVector v, int rows, boolean hasNulls) {
        ensure(1 + bitmapBytes(rows) + 8L * rows);
        putFlagsAndBitmap(ENC_FIXED64, v.nulls, rows, hasNulls);
        double[] values = v.doubles;
        boolean[] nulls = v.nulls;
        byte[] o = out;
        int p = outPos;
        for (int i = 0; i < rows; i++) {
            LONG_LE.set(o, p, hasNulls && nulls[i] ? 0L : Double.doubleToRawLongBits(values[i]));
            p += 8;
        }
        outPos = p;
    }

    private void encodeStrings(ColumnVector v, int rows, boolean hasNulls) {
        int[] offsets = v.offsets;
        boolean[] nulls = v.nulls;
        long total = 0;
        for (int i = 0; i < rows; i++) {
            if (!(hasNulls && nulls[i])) {
                total += offsets[i + 1] - offsets[i];
            }
        }
        ensure(1 + bitmapBytes(rows) + 5L + 5L * rows + total);
        putFlagsAndBitmap(ENC_UTF8, nulls, rows, hasNulls);
        byte[] o = out;
        int p = putVarLong(o, outPos, total);
        for (int i = 0; i < rows; i++) {
            p = putVarLong(o, p, hasNulls && nulls[i] ? 0 : offsets[i + 1] - offsets[i]);
        }
        if (!hasNulls) {
            System.arraycopy(v.bytes, offsets[0], o, p, (int) total);
            p += (int) total;
        } else {
            for (int i = 0; i < rows; i++) {
                if (!nulls[i]) {
                    int len = offsets[i + 1] - offsets[i];
                    System.arraycopy(v.bytes, offsets[i], o, p, len);
                    p += len;
                }
            }
        }
        outPos = p;
    }

    private void putFlagsAndBitmap(int enc, boolean[] nulls, int rows, boolean hasNulls) {
        out[outPos++] = (byte) (enc << 4 | (hasNulls ? FLAG_HAS_NULLS : 0));
        if (!hasNulls) {
            return;
        }
        byte[] o = out;
        int p = outPos;
        for (int i = 0; i < rows; i += 8) {
            int bits = 0;
            int end = Math.min(8, rows - i);
            for (int b = 0; b < end; b++) {
                if (nulls[i + b]) {
                    bits |= 1 << b;
                }
            }
            o[p++] = (byte) bits;
        }
        outPos = p;
    }

    private void putVarLongUnchecked(long v) {
        outPos = putVarLong(out, outPos, v);
    }

    private static int putVarLong(byte[] o, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            o[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        o[p++] = (byte) v;
        return p;
    }

    private void ensure(long extra) {
        long need = outPos + extra;
        if (need > out.length) {
            if (need > Integer.MAX_VALUE - 16) {
                throw StorageException.invalid("batch too large to encode [bytes=" + need + ']');
            }
            out = Arrays.copyOf(out, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, 2L * out.length)));
        }
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long u) {
        return (u >>> 1) ^ -(u & 1);
    }

    static int varLength(long u) {
        return 1 + (63 - Long.numberOfLeadingZeros(u | 1)) / 7;
    }

    private static int bitmapBytes(int rows) {
        return (rows + 7) >>> 3;
    }

    private static boolean anyTrue(boolean[] a, int n) {
        for (int i = 0; i < n; i++) {
            if (a[i]) {
                return true;
            }
        }
        return false;
    }

    // ================================================================ decode

    /**
     * Decodes a batch from {@code src}'s position, advancing it past the batch. Decodes into
     * {@code reuse} (reset first) when its columns have the same names and types, else into a new
     * batch.
     *
     * @throws StorageException CORRUPT if the bytes are not a valid encoding
     */
    public RowBatch decode(ByteBuffer src, RowBatch reuse) {
        int len = src.remaining();
        if (src.hasArray()) {
            beginInput(src.array(), src.arrayOffset() + src.position(), len);
        } else {
            if (copyScratch.length < len) {
                copyScratch = new byte[len];
            }
            src.get(src.position(), copyScratch, 0, len);
            beginInput(copyScratch, 0, len);
        }
        int start = inPos;
        RowBatch batch = decodeFromInput(reuse);
        src.position(src.position() + (inPos - start));
        return batch;
    }

    void beginInput(byte[] a, int off, int len) {
        in = a;
        inPos = off;
        inLimit = off + len;
    }

    int inputRemaining() {
        return inLimit - inPos;
    }

    int getU16() {
        need(2);
        int v = (short) SHORT_LE.get(in, inPos) & 0xFFFF;
        inPos += 2;
        return v;
    }

    int getI32() {
        need(4);
        int v = (int) INT_LE.get(in, inPos);
        inPos += 4;
        return v;
    }

    String getUtf8(int len) {
        need(len);
        String s = new String(in, inPos, len, StandardCharsets.UTF_8);
        inPos += len;
        return s;
    }

    RowBatch decodeFromInput(RowBatch reuse) {
        int version = getU8();
        if (version != FORMAT_VERSION) {
            throw StorageException.corrupt("unsupported row batch encoding version [version=" + version + ']');
        }
        long colsL = getVarLong();
        if (colsL < 1 || colsL > TableSchema.MAX_COLUMNS) {
            throw StorageException.corrupt("row batch column count out of range [columns=" + colsL + ']');
        }
        int cols = (int) colsL;
        if (nameOffsets.length < cols * 2) {
            nameOffsets = new int[cols * 2];
        }
        if (typeScratch.length < cols) {
            typeScratch = new ColumnType[cols];
        }
        ColumnType[] types = typeScratch;
        boolean reusable = reuse != null && reuse.columnCount() == cols;
        for (int c = 0; c < cols; c++) {
            types[c] = ColumnType.fromId(getU8());
            int nameLen = getU8();
            if (nameLen < 1 || nameLen > ColumnDef.MAX_NAME_LENGTH) {
                throw StorageException.corrupt("row batch column name length out of range [column=" + c + ", length=" + nameLen + ']');
            }
            need(nameLen);
            nameOffsets[2 * c] = inPos;
            nameOffsets[2 * c + 1] = nameLen;
            if (reusable) {
                ColumnDef d = reuse.columns().get(c);
                reusable = d.type() == types[c] && asciiEquals(d.name(), in, inPos, nameLen);
            }
            inPos += nameLen;
        }
        long rowsL = getVarLong();
        // Every encoding spends at least one byte per row and column: a larger count is garbage,
        // and rejecting it keeps a corrupt count from allocating huge vectors.
        if (rowsL < 0 || rowsL > inputRemaining()) {
            throw StorageException.corrupt("row batch row count out of range [rows=" + rowsL + ", bytesLeft=" + inputRemaining() + ']');
        }
        int rows = (int) rowsL;
        RowBatch batch = reusable ? reuse : new RowBatch(columnDefs(cols, types), rows);
        batch.reset(rows);
        for (int c = 0; c < cols; c++) {
            decodeColumn(batch.column(c), types[c], rows, c);
        }
        batch.setRowCount(rows);
        return batch;
    }

    private List<ColumnDef> columnDefs(int cols, ColumnType[] types) {
        List<ColumnDef> defs = new ArrayList<>(cols);
        for (int c = 0; c < cols; c++) {
            String name = new String(in, nameOffsets[2 * c], nameOffsets[2 * c + 1], StandardCharsets.ISO_8859_1);
            try {
                defs.add(new ColumnDef(name, types[c]));
            } catch (StorageException e) {
                throw StorageException.corrupt("row batch holds an invalid column name [column=" + c + ", reason=" + e.getMessage() + ']');
            }
        }
        return defs;
    }

    private void decodeColumn(ColumnVector v, ColumnType type, int rows, int column) {
        int flags = getU8();
        if ((flags & FLAG_RESERVED_MASK) != 0) {
            throw StorageException.corrupt("row batch column has unknown flags [column=" + column + ", flags=" + flags + ']');
        }
        int enc = flags >>> 4;
        boolean hasNulls = (flags & FLAG_HAS_NULLS) != 0;
        if (hasNulls) {
            readBitmap(v.nulls, rows, column);
            v.hasNulls = true;
        } else {
            v.clearNulls(rows);
        }
        switch (type.physical()) {
            case LONG -> decodeLongs(v, type, enc, rows, hasNulls, column);
            case DOUBLE -> decodeDoubles(v, enc, rows, hasNulls, column);
            case BYTES -> decodeStrings(v, enc, rows, hasNulls, column);
        }
    }

    private void readBitmap(boolean[] nulls, int rows, int column) {
        int n = bitmapBytes(rows);
        need(n);
        byte[] a = in;
        int p = inPos;
        for (int i = 0; i < rows; i++) {
            nulls[i] = (a[p + (i >>> 3)] & (1 << (i & 7))) != 0;
        }
        if ((rows & 7) != 0 && (a[p + n - 1] & 0xFF) >>> (rows & 7) != 0) {
            throw StorageException.corrupt("row batch null bitmap has bits past the last row [column=" + column + ']');
        }
        inPos = p + n;
    }

    private void decodeLongs(ColumnVector v, ColumnType type, int enc, int rows, boolean hasNulls, int column) {
        long[] values = v.longs;
        boolean[] nulls = v.nulls;
        switch (enc) {
            case ENC_FIXED64 -> {
                need(8L * rows);
                byte[] a = in;
                int p = inPos;
                for (int i = 0; i < rows; i++) {
                    values[i] = (long) LONG_LE.get(a, p);
                    p += 8;
                }
                inPos = p;
            }
            case ENC_VARINT -> {
                for (int i = 0; i < rows; i++) {
                    values[i] = unzigzag(getVarLong());
                }
            }
            case ENC_DELTA_VARINT -> {
                long prev = 0;
                for (int i = 0; i < rows; i++) {
                    prev += unzigzag(getVarLong());
                    values[i] = prev;
                }
            }
            default -> throw badEncoding(column, enc, type);
        }
        if (hasNulls) {
            for (int i = 0; i < rows; i++) {
                if (nulls[i]) {
                    values[i] = 0;
                }
            }
        }
        long min = type.minValue();
        long max = type.maxValue();
        if (min != Long.MIN_VALUE || max != Long.MAX_VALUE) {
            for (int i = 0; i < rows; i++) {
                long x = values[i];
                if (x < min || x > max) {
                    throw StorageException.corrupt("row batch value out of its type's range [column=" + column
                            + ", row=" + i + ", type=" + type + ", value=" + x + ']');
                }
            }
        }
    }

    private void decodeDoubles(ColumnVector v, int enc, int rows, boolean hasNulls, int column) {
        if (enc != ENC_FIXED64) {
            throw badEncoding(column, enc, ColumnType.DOUBLE);
        }
        need(8L * rows);
        double[] values = v.doubles;
        boolean[] nulls = v.nulls;
        byte[] a = in;
        int p = inPos;
        for (int i = 0; i < rows; i++) {
            values[i] = hasNulls && nulls[i] ? 0.0 : Double.longBitsToDouble((long) LONG_LE.get(a, p));
            p += 8;
        }
        inPos = p;
    }

    private void decodeStrings(ColumnVector v, int enc, int rows, boolean hasNulls, int column) {
        if (enc != ENC_UTF8) {
            throw badEncoding(column, enc, ColumnType.VARCHAR);
        }
        long total = getVarLong();
        if (total < 0 || total > inputRemaining()) {
            throw StorageException.corrupt("row batch string bytes exceed the input [column=" + column
                    + ", bytes=" + total + ", bytesLeft=" + inputRemaining() + ']');
        }
        int[] offsets = v.offsets;
        boolean[] nulls = v.nulls;
        long end = 0;
        offsets[0] = 0;
        for (int i = 0; i < rows; i++) {
            long len = getVarLong();
            if (len < 0 || len > total - end) {
                throw StorageException.corrupt("row batch string length exceeds the column's bytes [column=" + column
                        + ", row=" + i + ", length=" + len + ']');
            }
            if (len != 0 && hasNulls && nulls[i]) {
                throw StorageException.corrupt("row batch null string has a length [column=" + column + ", row=" + i + ']');
            }
            end += len;
            offsets[i + 1] = (int) end;
        }
        if (end != total) {
            throw StorageException.corrupt("row batch string lengths do not add up [column=" + column
                    + ", sum=" + end + ", total=" + total + ']');
        }
        need(total);
        v.ensureByteCapacity((int) total);
        System.arraycopy(in, inPos, v.bytes, 0, (int) total);
        inPos += (int) total;
    }

    private static StorageException badEncoding(int column, int enc, ColumnType type) {
        return StorageException.corrupt("row batch column has an encoding invalid for its type [column=" + column
                + ", encoding=" + enc + ", type=" + type + ']');
    }

    private int getU8() {
        need(1);
        return in[inPos++] & 0xFF;
    }

    private long getVarLong() {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            if (inPos >= inLimit) {
                throw StorageException.corrupt("row batch ends inside a varint [offset=" + inPos + ']');
            }
            byte b = in[inPos++];
            if (shift == 63 && (b & 0xFE) != 0) {
                throw StorageException.corrupt("row batch varint overflows 64 bits [offset=" + inPos + ']');
            }
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
    }

    private void need(long n) {
        if (n > inLimit - inPos) {
            throw StorageException.corrupt("row batch ends early [needed=" + n + ", bytesLeft=" + (inLimit - inPos) + ']');
        }
    }

    private static boolean asciiEquals(String s, byte[] a, int off, int len) {
        if (s.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != (a[off + i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }
}
