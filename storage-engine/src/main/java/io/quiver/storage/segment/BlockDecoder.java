package io.quiver.storage.segment;

import io.quiver.storage.ColumnType;
import io.quiver.storage.scan.DictionaryRows;
import io.quiver.storage.vector.ColumnVector;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.zip.CRC32C;

import static io.quiver.storage.segment.SegmentFormat.INT_LE;
import static io.quiver.storage.segment.SegmentFormat.LONG_LE;
import static io.quiver.storage.segment.SegmentFormat.SCRATCH_PADDING;

/**
 * Per-thread scratch for {@link SegmentReader#readBlock}: the buffers a block is copied, checked,
 * decompressed and decoded through. They grow to the largest block seen and are then reused, so
 * decoding allocates nothing in steady state. Not thread-safe: give each scanning thread its own;
 * one instance may read blocks of any number of segments.
 */
public final class BlockDecoder {
    /** The bounds-checking decompressor only: the "fast" one trusts the input (CVE-2025-12183). */
    private static final LZ4SafeDecompressor LZ4 = LZ4Factory.fastestInstance().safeDecompressor();
    private static final ValueLayout.OfDouble DOUBLE_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE_LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private byte[] stored = new byte[SCRATCH_PADDING];
    private byte[] decoded = new byte[SCRATCH_PADDING];
    private int[] lengths = new int[0];
    private final CRC32C crc = new CRC32C();

    public BlockDecoder() {
    }

    private static final ThreadLocal<BlockDecoder> PER_THREAD = ThreadLocal.withInitial(BlockDecoder::new);

    /**
     * This thread's decoder, for scans that would otherwise make one per split: its buffers, grown
     * to a block's size, would be fresh heap each time, and on a heap not yet touched every 4 KiB of
     * them costs a page fault (about a thousand per query over the benchmark's 69 splits). The
     * buffers are scratch within one {@link SegmentReader#readBlock} call only (nothing refers to
     * them once it returns), so any number of cursors on one thread may share it; a cursor asks for
     * it at each read, so one handed to another thread uses that thread's.
     */
    public static BlockDecoder forCurrentThread() {
        return PER_THREAD.get();
    }

    /** A block failed its checksum or did not decode; the reader turns this into a StorageException. */
    static final class BadChunkException extends RuntimeException {
        final boolean checksum;

        BadChunkException(boolean checksum, String reason) {
            super(reason, null, false, false);
            this.checksum = checksum;
        }
    }

    private static BadChunkException bad(String reason) {
        return new BadChunkException(false, reason);
    }

    /**
     * Checks and decompresses an LZ4 chunk straight from the mapping: the checksum and the
     * decompressor read the mapped bytes in place, so the compressed bytes are never copied onto the
     * heap first (that copy was as costly as the decompression in a string scan).
     */
    private byte[] decompressMapped(MemorySegment file, long offset, int storedLength, int decodedLength, int expectedCrc) {
        java.nio.ByteBuffer mapped = file.asSlice(offset, storedLength).asByteBuffer();
        crc.reset();
        crc.update(mapped.duplicate());
        if ((int) crc.getValue() != expectedCrc) {
            throw new BadChunkException(true, "crc");
        }
        if (decoded.length < decodedLength + SCRATCH_PADDING) {
            decoded = new byte[decodedLength + SCRATCH_PADDING];
        }
        int n;
        try {
            n = LZ4.decompress(mapped, 0, storedLength, java.nio.ByteBuffer.wrap(decoded), 0, decodedLength);
        } catch (LZ4Exception e) {
            throw bad("lz4: " + e.getMessage());
        }
        if (n != decodedLength) {
            throw bad("lz4 length " + n + " != " + decodedLength);
        }
        return decoded;
    }

    /** The chunk's decoded bytes (checked against its CRC, decompressed when LZ4), in a scratch array valid until the next call. */
    private byte[] load(MemorySegment file, long offset, int storedLength, int decodedLength, int flags, int expectedCrc) {
        if ((flags & SegmentFormat.FLAG_LZ4) != 0) {
            return decompressMapped(file, offset, storedLength, decodedLength, expectedCrc);
        }
        if (stored.length < storedLength + SCRATCH_PADDING) {
            stored = new byte[storedLength + SCRATCH_PADDING];
        }
        MemorySegment.copy(file, ValueLayout.JAVA_BYTE, offset, stored, 0, storedLength);
        crc.reset();
        crc.update(stored, 0, storedLength);
        if ((int) crc.getValue() != expectedCrc) {
            throw new BadChunkException(true, "crc");
        }
        return stored;
    }

    /**
     * Narrows {@code mask} (bit {@code r & 63} of word {@code r >>> 6} is row {@code r}; bits past the
     * block's rows are zero and stay zero) to the rows of a LONG-physical chunk whose value is not
     * NULL and lies in {@code [lo, hi]} (outside it, when {@code negate}), without decoding the values
     * where the chunk allows: the block's bounds decide it whole when they fall inside or outside the
     * range, a FOR block is compared on its packed values. Returns false, leaving {@code mask}
     * untouched, for encodings it does not take (the caller decodes and compares).
     */
    boolean filterRange(MemorySegment file, long offset, int storedLength, int decodedLength, int flags, int expectedCrc,
                        Encoding encoding, int rows, int nullCount, boolean hasBounds, long min, long max,
                        long lo, long hi, boolean negate, long[] mask) {
        int words = (rows + 63) >>> 6;
        if (nullCount >= rows) {
            Arrays.fill(mask, 0, words, 0L); // NULL passes neither a comparison nor its negation
            return true;
        }
        if (hasBounds && ((lo <= min && max <= hi) || max < lo || min > hi)) {
            boolean inside = lo <= min && max <= hi;
            if (inside == negate) {
                Arrays.fill(mask, 0, words, 0L);
            } else if (nullCount > 0) {
                clearNullRows(load(file, offset, storedLength, decodedLength, flags, expectedCrc), decodedLength, rows, words, mask);
            }
            return true;
        }
        if (encoding != Encoding.FOR_BITPACK && encoding != Encoding.CONSTANT) {
            return false;
        }
        byte[] src = load(file, offset, storedLength, decodedLength, flags, expectedCrc);
        int pos = SegmentFormat.hasNullBitmap(rows, nullCount) ? SegmentFormat.nullBitmapLength(rows) : 0;
        long constant;
        if (encoding == Encoding.CONSTANT) {
            need(pos, 8, decodedLength);
            constant = (long) LONG_LE.get(src, pos);
        } else {
            need(pos, LongCodec.FOR_HEADER, decodedLength);
            long base = (long) LONG_LE.get(src, pos);
            int width = src[pos + 8];
            pos += LongCodec.FOR_HEADER;
            checkWidth(width, 64);
            need(pos, BitPacking.packedLength(rows, width), decodedLength);
            if (width > PackedKernels.MAX_WIDTH) {
                return false;
            }
            long top = base + ((1L << width) - 1);
            if (top < base) {
                return false; // values wrap around: the packed order is not the value order
            }
            if (width > 0 && lo <= top && hi >= base) {
                if (bits.length < words) {
                    bits = new long[words];
                }
                PackedKernels.inRange(src, pos, rows, width, Math.max(lo, base) - base, Math.min(hi, top) - base, bits);
                long last = (rows & 63) == 0 ? -1L : (1L << (rows & 63)) - 1;
                for (int w = 0; w < words; w++) {
                    mask[w] &= negate ? ~bits[w] : bits[w];
                }
                mask[words - 1] &= last;
                if (nullCount > 0) {
                    clearNullRows(src, decodedLength, rows, words, mask);
                }
                return true;
            }
            constant = width == 0 ? base : lo > top ? lo - 1 : hi + 1; // every value equals base, or none lies in the range
        }
        boolean inside = lo <= constant && constant <= hi;
        if (inside == negate) {
            Arrays.fill(mask, 0, words, 0L);
        } else if (nullCount > 0) {
            clearNullRows(src, decodedLength, rows, words, mask);
        }
        return true;
    }

    private long[] bits = new long[0];

    /** Clears the null rows of a chunk with a null bitmap (or all rows, when every row is null) from {@code mask}. */
    private static void clearNullRows(byte[] src, int limit, int rows, int words, long[] mask) {
        need(0, SegmentFormat.nullBitmapLength(rows), limit);
        for (int w = 0; w < words; w++) {
            // the last word may read past the bitmap into the payload: those bits are past `rows`, already clear in mask
            mask[w] &= ~(long) LONG_LE.get(src, w << 3);
        }
    }

    /**
     * The sum of the non-NULL values of a LONG-physical chunk, computed from its encoded form (FOR:
     * {@code n * base + sum of the packed values}, CONSTANT: {@code n * value}) into {@code out[0]}.
     * Returns false when the encoding is another one, or the sum might not fit a long (the caller
     * decodes and sums with its own overflow checks).
     */
    boolean sum(MemorySegment file, long offset, int storedLength, int decodedLength, int flags, int expectedCrc,
                Encoding encoding, int rows, int nullCount, long[] out) {
        long nonNull = rows - nullCount;
        if (nonNull <= 0) {
            out[0] = 0;
            return true;
        }
        if (encoding != Encoding.FOR_BITPACK && encoding != Encoding.CONSTANT) {
            return false;
        }
        byte[] src = load(file, offset, storedLength, decodedLength, flags, expectedCrc);
        boolean bitmap = SegmentFormat.hasNullBitmap(rows, nullCount);
        int pos = bitmap ? SegmentFormat.nullBitmapLength(rows) : 0;
        try {
            if (encoding == Encoding.CONSTANT) {
                need(pos, 8, decodedLength);
                out[0] = Math.multiplyExact((long) LONG_LE.get(src, pos), nonNull);
                return true;
            }
            need(pos, LongCodec.FOR_HEADER, decodedLength);
            long base = (long) LONG_LE.get(src, pos);
            int width = src[pos + 8];
            pos += LongCodec.FOR_HEADER;
            checkWidth(width, 64);
            need(pos, BitPacking.packedLength(rows, width), decodedLength);
            // rows < 2^(32 - nlz) values below 2^width each: their sum stays below 2^63
            if (width > PackedKernels.MAX_WIDTH || width + (32 - Integer.numberOfLeadingZeros(rows)) > 63) {
                return false;
            }
            long packed = width == 0 ? 0 : PackedKernels.sum(src, pos, rows, width);
            if (bitmap && width > 0) {
                // null rows hold a filler value: take theirs back out
                int words = (rows + 63) >>> 6;
                for (int w = 0; w < words; w++) {
                    long nb = (long) LONG_LE.get(src, w << 3);
                    if (w == words - 1 && (rows & 63) != 0) {
                        nb &= (1L << (rows & 63)) - 1;
                    }
                    while (nb != 0) {
                        packed -= PackedKernels.get(src, pos, (w << 6) + Long.numberOfTrailingZeros(nb), width);
                        nb &= nb - 1;
                    }
                }
            }
            out[0] = Math.addExact(Math.multiplyExact(base, nonNull), packed);
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    /** Decodes one chunk from the mapped file into {@code out}, which is reset to {@code rows} rows. */
    void decode(MemorySegment file, long offset, int storedLength, int decodedLength, int flags, int expectedCrc,
                Encoding encoding, int rows, int nullCount, ColumnType type, ColumnVector out) {
        decode(file, offset, storedLength, decodedLength, flags, expectedCrc, encoding, rows, nullCount, type, out, true);
    }

    /**
     * Decodes one chunk like the method above. With {@code materialize} false, a DICTIONARY block leaves its rows as codes + dictionary only
     * (every row's string reads as empty until {@link DictionaryRows#materialize} fills it).
     */
    void decode(MemorySegment file, long offset, int storedLength, int decodedLength, int flags, int expectedCrc,
                Encoding encoding, int rows, int nullCount, ColumnType type, ColumnVector out, boolean materialize) {
        byte[] src = load(file, offset, storedLength, decodedLength, flags, expectedCrc);
        // keep the previous dictionary vector and code array of `out`: reset() forgets them
        ColumnVector previousDictionary = out.dictionary;
        int[] previousCodes = out.dictCodes;
        out.reset(rows);
        int pos = decodeNulls(src, decodedLength, rows, nullCount, out);
        switch (type.physical()) {
            case LONG -> decodeLongs(src, pos, decodedLength, encoding, rows, out);
            case DOUBLE -> decodeDoubles(src, pos, decodedLength, encoding, rows, out);
            case BYTES -> {
                if (encoding == Encoding.DICTIONARY) {
                    decodeDictionary(src, pos, decodedLength, rows, out, previousDictionary, previousCodes, materialize);
                } else {
                    decodeStrings(src, pos, decodedLength, rows, out);
                }
            }
        }
        out.setSize(rows);
    }

    private static void need(int pos, long bytes, int limit) {
        if (pos + bytes > limit || bytes < 0) {
            throw bad("block too short [need=" + bytes + ", at=" + pos + ", length=" + limit + ']');
        }
    }

    private static int decodeNulls(byte[] src, int limit, int rows, int nullCount, ColumnVector out) {
        boolean[] nulls = out.nulls;
        if (!SegmentFormat.hasNullBitmap(rows, nullCount)) {
            boolean all = nullCount == rows;
            Arrays.fill(nulls, 0, rows, all);
            out.hasNulls = all;
            return 0;
        }
        int len = SegmentFormat.nullBitmapLength(rows);
        need(0, len, limit);
        int count = 0;
        int full = rows >>> 3;
        int j0 = 0;
        if (NullMasks.LANES > 0) {
            // 64 rows per word of the bitmap, expanded by mask stores: ~30x the byte loop below, which
            // was 9-16% of a GROUP BY summing a mostly-NULL column (Q09)
            int words = rows >>> 6;
            for (int w = 0; w < words; w++) {
                long bits = (long) LONG_LE.get(src, w << 3);
                count += Long.bitCount(bits);
                NullMasks.expand(bits, nulls, w << 6);
            }
            j0 = words << 3;
        }
        // a byte of the bitmap at a time: eight fixed shifts, and the count from the byte's popcount
        for (int j = j0; j < full; j++) {
            int bits = src[j] & 0xFF;
            count += Integer.bitCount(bits);
            int i = j << 3;
            nulls[i] = (bits & 1) != 0;
            nulls[i + 1] = (bits & 2) != 0;
            nulls[i + 2] = (bits & 4) != 0;
            nulls[i + 3] = (bits & 8) != 0;
            nulls[i + 4] = (bits & 16) != 0;
            nulls[i + 5] = (bits & 32) != 0;
            nulls[i + 6] = (bits & 64) != 0;
            nulls[i + 7] = (bits & 128) != 0;
        }
        for (int i = full << 3; i < rows; i++) {
            boolean isNull = ((src[i >>> 3] >>> (i & 7)) & 1) != 0;
            nulls[i] = isNull;
            count += isNull ? 1 : 0;
        }
        if (count != nullCount) {
            throw bad("null bitmap holds " + count + " nulls, zone map says " + nullCount);
        }
        out.hasNulls = true;
        return len;
    }

    private static void decodeLongs(byte[] src, int pos, int limit, Encoding encoding, int rows, ColumnVector out) {
        long[] dst = out.longs;
        switch (encoding) {
            case CONSTANT -> {
                need(pos, 8, limit);
                Arrays.fill(dst, 0, rows, (long) LONG_LE.get(src, pos));
                pos += 8;
            }
            case FOR_BITPACK -> {
                need(pos, LongCodec.FOR_HEADER, limit);
                long base = (long) LONG_LE.get(src, pos);
                int width = src[pos + 8];
                pos += LongCodec.FOR_HEADER;
                checkWidth(width, 64);
                long len = BitPacking.packedLength(rows, width);
                need(pos, len, limit);
                BitPacking.unpack(src, pos, rows, width, base, dst, 0);
                pos += (int) len;
            }
            case DELTA_BITPACK -> {
                need(pos, LongCodec.DELTA_HEADER, limit);
                long first = (long) LONG_LE.get(src, pos);
                long minDelta = (long) LONG_LE.get(src, pos + 8);
                int width = src[pos + 16];
                pos += LongCodec.DELTA_HEADER;
                checkWidth(width, 64);
                long len = BitPacking.packedLength(rows - 1, width);
                need(pos, len, limit);
                BitPacking.unpack(src, pos, rows - 1, width, minDelta, dst, 1);
                pos += (int) len;
                long acc = first;
                dst[0] = acc;
                for (int i = 1; i < rows; i++) {
                    acc += dst[i];
                    dst[i] = acc;
                }
            }
            case PLAIN -> {
                need(pos, 8L * rows, limit);
                MemorySegment.copy(MemorySegment.ofArray(src), LONG_LE_LAYOUT, pos, dst, 0, rows);
                pos += 8 * rows;
            }
            default -> throw bad("encoding " + encoding + " for a long column");
        }
        checkConsumed(pos, limit);
        if (out.hasNulls) {
            boolean[] nulls = out.nulls;
            for (int i = 0; i < rows; i++) {
                dst[i] = nulls[i] ? 0 : dst[i];
            }
        }
    }

    private void decodeDoubles(byte[] src, int pos, int limit, Encoding encoding, int rows, ColumnVector out) {
        double[] dst = out.doubles;
        switch (encoding) {
            case CONSTANT -> {
                need(pos, 8, limit);
                Arrays.fill(dst, 0, rows, Double.longBitsToDouble((long) LONG_LE.get(src, pos)));
                pos += 8;
            }
            case PLAIN -> {
                need(pos, 8L * rows, limit);
                // one bulk copy (a memcpy on a little-endian machine) instead of a read per value
                MemorySegment.copy(MemorySegment.ofArray(src), DOUBLE_LE, pos, dst, 0, rows);
                pos += 8 * rows;
            }
            case SPARSE -> {
                decodeSparseDoubles(src, pos, limit, rows, out);
                return;
            }
            default -> throw bad("encoding " + encoding + " for a double column");
        }
        checkConsumed(pos, limit);
        if (out.hasNulls) {
            boolean[] nulls = out.nulls;
            for (int i = 0; i < rows; i++) {
                dst[i] = nulls[i] ? 0.0 : dst[i];
            }
        }
    }

    /**
     * Null-bitmap expansion with the Vector API, in its own class so a JVM without the
     * jdk.incubator.vector module never links it ({@link #LANES} is then 0 and the byte loop runs).
     */
    private static final class NullMasks {
        static final int LANES = lanes();

        private static int lanes() {
            try {
                return Expand.SPECIES == null ? 0 : Expand.SPECIES.length();
            } catch (Throwable unavailable) { // no jdk.incubator.vector module in this JVM
                return 0;
            }
        }

        /** Rows {@code at..at+63} of {@code nulls} from the 64 bits of {@code bits} (bit r: row at + r). */
        static void expand(long bits, boolean[] nulls, int at) {
            Expand.expand(bits, nulls, at);
        }

        private static final class Expand {
            static final jdk.incubator.vector.VectorSpecies<Byte> SPECIES = species();

            private static jdk.incubator.vector.VectorSpecies<Byte> species() {
                jdk.incubator.vector.VectorSpecies<Byte> s = jdk.incubator.vector.ByteVector.SPECIES_PREFERRED;
                return s.length() >= 16 && s.length() <= 64 && 64 % s.length() == 0 ? s : null;
            }

            static void expand(long bits, boolean[] nulls, int at) {
                int lanes = SPECIES.length();
                for (int o = 0; o < 64; o += lanes) {
                    jdk.incubator.vector.VectorMask.fromLong(SPECIES, bits >>> o).intoArray(nulls, at + o);
                }
            }
        }
    }

    private double[] sparseValues = new double[0];
    /** A segment over the last scratch array a SPARSE block came from: making one per block was 7% of Q09's worker time. */
    private byte[] sparseSource;
    private MemorySegment sparseSegment;

    /**
     * The non-NULL values of a SPARSE block, in row order after the null bitmap ({@code src[0..pos)}):
     * copied in one bulk read, then placed at the clear bits of the bitmap, 64 rows per word. A
     * branch per row mispredicted wherever values and NULLs mix (revenue: 6% of rows), and a read
     * per value paid its bounds checks.
     */
    private void decodeSparseDoubles(byte[] src, int pos, int limit, int rows, ColumnVector out) {
        double[] dst = out.doubles;
        boolean[] nulls = out.nulls;
        int present = 0;
        for (int i = 0; i < rows; i++) {
            present += nulls[i] ? 0 : 1;
        }
        need(pos, 8L * present, limit);
        checkConsumed(pos + 8 * present, limit);
        Arrays.fill(dst, 0, rows, 0.0);
        if (pos != SegmentFormat.nullBitmapLength(rows) || !out.hasNulls) {
            // no bitmap in front (a block with no NULL): row by row from the flags
            for (int i = 0; i < rows; i++) {
                if (!nulls[i]) {
                    dst[i] = Double.longBitsToDouble((long) LONG_LE.get(src, pos));
                    pos += 8;
                }
            }
            return;
        }
        if (sparseValues.length < present) {
            sparseValues = new double[Math.max(present, 1024)];
        }
        double[] values = sparseValues;
        if (src != sparseSource) {
            sparseSource = src;
            sparseSegment = MemorySegment.ofArray(src);
        }
        MemorySegment.copy(sparseSegment, DOUBLE_LE, pos, values, 0, present);
        int v = 0;
        int words = rows >>> 6;
        for (int w = 0; w < words; w++) {
            long set = ~(long) LONG_LE.get(src, w << 3); // a set bit: a row with a value
            int base = w << 6;
            while (set != 0) {
                dst[base + Long.numberOfTrailingZeros(set)] = values[v++];
                set &= set - 1;
            }
        }
        for (int i = words << 6; i < rows; i++) {
            if (!nulls[i]) {
                dst[i] = values[v++];
            }
        }
    }

    /**
     * Reads a string run of {@code count} strings: fills {@code offsets[0..count]} and copies the bytes
     * into {@code out.bytes} via the vector. Returns the position after the run.
     */
    private int decodeRun(byte[] src, int pos, int limit, int count, ColumnVector target) {
        need(pos, VarcharCodec.RUN_HEADER, limit);
        int totalBytes = (int) INT_LE.get(src, pos);
        int minLen = (int) INT_LE.get(src, pos + 4);
        int width = src[pos + 8];
        pos += VarcharCodec.RUN_HEADER;
        checkWidth(width, 31);
        if (totalBytes < 0 || minLen < 0) {
            throw bad("negative string sizes");
        }
        long packed = BitPacking.packedLength(count, width);
        need(pos, packed + totalBytes, limit);
        if (lengths.length < count) {
            lengths = new int[count];
        }
        BitPacking.unpackInts(src, pos, count, width, lengths);
        pos += (int) packed;
        int[] offsets = target.offsets;
        long end = 0;
        offsets[0] = 0;
        for (int i = 0; i < count; i++) {
            end += minLen + lengths[i];
            offsets[i + 1] = (int) end;
        }
        if (end != totalBytes) {
            throw bad("string lengths add up to " + end + ", run says " + totalBytes);
        }
        // padded so short strings can be copied out of it 16 bytes at a time (see decodeDictionary)
        target.ensureByteCapacity(totalBytes + SCRATCH_PADDING);
        System.arraycopy(src, pos, target.bytes, 0, totalBytes);
        return pos + totalBytes;
    }

    private void decodeStrings(byte[] src, int pos, int limit, int rows, ColumnVector out) {
        pos = decodeRun(src, pos, limit, rows, out);
        checkConsumed(pos, limit);
        if (out.hasNulls && out.offsets[rows] != 0) {
            for (int i = 0; i < rows; i++) {
                if (out.nulls[i] && out.stringLength(i) != 0) {
                    throw bad("null row " + i + " holds a value");
                }
            }
        }
    }

    private void decodeDictionary(byte[] src, int pos, int limit, int rows, ColumnVector out,
                                  ColumnVector previousDictionary, int[] previousCodes, boolean materialize) {
        need(pos, 4, limit);
        int entries = (int) INT_LE.get(src, pos);
        pos += 4;
        if (entries < 1 || entries > rows) {
            throw bad("dictionary of " + entries + " entries for " + rows + " rows");
        }
        ColumnVector dict = previousDictionary != null ? previousDictionary : new ColumnVector(ColumnType.VARCHAR, entries);
        dict.reset(entries);
        dict.clearNulls(entries);
        pos = decodeRun(src, pos, limit, entries, dict);
        dict.setSize(entries);

        need(pos, 1, limit);
        int width = src[pos++];
        checkWidth(width, 31);
        long packed = BitPacking.packedLength(rows, width);
        need(pos, packed, limit);
        int[] codes = previousCodes != null && previousCodes.length >= rows ? previousCodes : new int[out.capacity()];
        int maxCode = BitPacking.unpackInts(src, pos, rows, width, codes);
        pos += (int) packed;
        checkConsumed(pos, limit);
        if (maxCode >= entries) {
            throw bad("dictionary code " + maxCode + " >= " + entries + " entries");
        }

        boolean hasNulls = out.hasNulls;
        boolean[] nulls = out.nulls;
        if (hasNulls) {
            for (int i = 0; i < rows; i++) {
                codes[i] = nulls[i] ? -1 : codes[i];
            }
        }
        out.dictCodes = codes;
        out.dictionary = dict;
        if (materialize) {
            // every consumer of a VARCHAR vector reads the same layout: the strings, row by row
            DictionaryRows.materializeAll(out, rows);
        } else {
            Arrays.fill(out.offsets, 0, rows + 1, 0); // codes only: the strings read as empty, never as stale bytes
        }
    }

    private static void checkWidth(int width, int max) {
        if (width < 0 || width > max) {
            throw bad("bit width " + width + " out of range 0.." + max);
        }
    }

    private static void checkConsumed(int pos, int limit) {
        if (pos != limit) {
            throw bad("block has " + (limit - pos) + " unexpected trailing bytes");
        }
    }
}
