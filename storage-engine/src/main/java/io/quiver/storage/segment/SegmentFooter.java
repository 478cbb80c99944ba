package io.quiver.storage.segment;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The segment's table of contents: columns, block row counts, and per chunk (one column of one
 * block) where it is, how it is encoded, its checksum and its zone map. Written by the writer at
 * {@code finish}, parsed and validated by the reader at open. Chunk arrays are indexed
 * {@code column * blockCount + block}.
 */
final class SegmentFooter {
    final int formatVersion;
    final List<ColumnDef> columns;
    final int nominalBlockRows;
    final long rowCount;
    final SegmentMeta meta;
    final int[] blockRows;
    final long[] blockFirstRow;
    final ZoneMap[] columnZones;
    final long[] chunkOffset;
    final int[] storedLength;
    final int[] decodedLength;
    final Encoding[] encoding;
    final byte[] flags;
    final int[] crc;
    final ZoneMap[] chunkZones;

    SegmentFooter(int formatVersion, List<ColumnDef> columns, int nominalBlockRows, long rowCount, SegmentMeta meta,
                  int[] blockRows, ZoneMap[] columnZones, long[] chunkOffset, int[] storedLength, int[] decodedLength,
                  Encoding[] encoding, byte[] flags, int[] crc, ZoneMap[] chunkZones) {
        this.formatVersion = formatVersion;
        this.columns = List.copyOf(columns);
        this.nominalBlockRows = nominalBlockRows;
        this.rowCount = rowCount;
        this.meta = meta;
        this.blockRows = blockRows;
        this.blockFirstRow = new long[blockRows.length];
        long first = 0;
        for (int b = 0; b < blockRows.length; b++) {
            blockFirstRow[b] = first;
            first += blockRows[b];
        }
        this.columnZones = columnZones;
        this.chunkOffset = chunkOffset;
        this.storedLength = storedLength;
        this.decodedLength = decodedLength;
        this.encoding = encoding;
        this.flags = flags;
        this.crc = crc;
        this.chunkZones = chunkZones;
    }

    int blockCount() {
        return blockRows.length;
    }

    void write(ByteSink out) {
        int blocks = blockCount();
        out.putInt(formatVersion);
        out.putInt(columns.size());
        out.putInt(blocks);
        out.putInt(nominalBlockRows);
        out.putLong(rowCount);
        out.putString(meta.table());
        out.putInt(meta.schemaVersion());
        out.putLong(meta.partitionStartMicros());
        out.putLong(meta.minTimestampMicros());
        out.putLong(meta.maxTimestampMicros());
        out.putInt(meta.properties().size());
        for (Map.Entry<String, String> e : meta.properties().entrySet()) {
            out.putString(e.getKey());
            out.putString(e.getValue());
        }
        for (ColumnDef c : columns) {
            out.putString(c.name());
            out.putByte(c.type().id());
        }
        for (int rows : blockRows) {
            out.putInt(rows);
        }
        for (ZoneMap z : columnZones) {
            writeZoneMap(out, z);
        }
        for (int i = 0; i < chunkOffset.length; i++) {
            out.putLong(chunkOffset[i]);
            out.putInt(storedLength[i]);
            out.putInt(decodedLength[i]);
            out.putByte(encoding[i].id());
            out.putByte(flags[i]);
            out.putInt(crc[i]);
            writeZoneMap(out, chunkZones[i]);
        }
    }

    private static void writeZoneMap(ByteSink out, ZoneMap z) {
        out.putByte(z.flags());
        out.putLong(z.nullCount());
        if (!z.hasBounds()) {
            return;
        }
        if (z.type().physical() == ColumnType.Physical.BYTES) {
            if (z.isMinKnown()) {
                out.putByte(z.rawMin().length);
                out.putBytes(z.rawMin(), 0, z.rawMin().length);
            }
            if (z.isMaxKnown()) {
                out.putByte(z.rawMax().length);
                out.putBytes(z.rawMax(), 0, z.rawMax().length);
            }
        } else {
            out.putLong(z.minBits());
            out.putLong(z.maxBits());
        }
    }

    /**
     * Parses and validates a footer whose CRC already matched. {@code blocksEnd} is where the footer
     * starts: every chunk must lie in {@code [HEADER_LENGTH, blocksEnd)}.
     */
    static SegmentFooter parse(byte[] bytes, long blocksEnd, Path file) {
        try {
            return parse(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), blocksEnd, file);
        } catch (BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw corrupt("segment footer does not parse", file, e.toString());
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.CORRUPT && e.getMessage().contains("file=")) {
                throw e;
            }
            throw corrupt("segment footer does not parse", file, e.getMessage());
        }
    }

    private static SegmentFooter parse(ByteBuffer in, long blocksEnd, Path file) {
        int version = in.getInt();
        checkVersion(version, file);
        int columnCount = in.getInt();
        int blocks = in.getInt();
        int nominalBlockRows = in.getInt();
        long rowCount = in.getLong();
        if (columnCount < 1 || columnCount > 65_536 || blocks < 0 || rowCount < 0
                || nominalBlockRows < 1 || nominalBlockRows > SegmentFormat.MAX_BLOCK_ROWS
                || (long) columnCount * blocks > Integer.MAX_VALUE / 8) {
            throw corrupt("segment footer has impossible counts", file,
                    "columns=" + columnCount + ", blocks=" + blocks + ", rows=" + rowCount);
        }
        String table = readString(in);
        int schemaVersion = in.getInt();
        long partitionStart = in.getLong();
        long minTs = in.getLong();
        long maxTs = in.getLong();
        int props = in.getInt();
        if (props < 0 || props > SegmentMeta.MAX_PROPERTIES) {
            throw corrupt("segment footer has impossible counts", file, "properties=" + props);
        }
        Map<String, String> properties = new TreeMap<>();
        for (int i = 0; i < props; i++) {
            properties.put(readString(in), readString(in));
        }
        SegmentMeta meta = new SegmentMeta(table, schemaVersion, partitionStart, minTs, maxTs, properties);

        List<ColumnDef> columns = new ArrayList<>(columnCount);
        for (int c = 0; c < columnCount; c++) {
            String name = readString(in);
            columns.add(new ColumnDef(name, ColumnType.fromId(in.get())));
        }
        int[] blockRows = new int[blocks];
        long total = 0;
        for (int b = 0; b < blocks; b++) {
            blockRows[b] = in.getInt();
            if (blockRows[b] < 1 || blockRows[b] > SegmentFormat.MAX_BLOCK_ROWS) {
                throw corrupt("segment footer has an impossible block row count", file, "block=" + b + ", rows=" + blockRows[b]);
            }
            total += blockRows[b];
        }
        if (total != rowCount) {
            throw corrupt("segment block row counts do not add up", file, "sum=" + total + ", rows=" + rowCount);
        }
        ZoneMap[] columnZones = new ZoneMap[columnCount];
        for (int c = 0; c < columnCount; c++) {
            columnZones[c] = readZoneMap(in, columns.get(c).type(), rowCount, file);
        }
        int chunks = columnCount * blocks;
        long[] offset = new long[chunks];
        int[] stored = new int[chunks];
        int[] decoded = new int[chunks];
        Encoding[] encoding = new Encoding[chunks];
        byte[] flags = new byte[chunks];
        int[] crc = new int[chunks];
        ZoneMap[] zones = new ZoneMap[chunks];
        for (int i = 0; i < chunks; i++) {
            ColumnType type = columns.get(i / Math.max(1, blocks)).type();
            int b = i % blocks;
            offset[i] = in.getLong();
            stored[i] = in.getInt();
            decoded[i] = in.getInt();
            int enc = in.get();
            flags[i] = in.get();
            crc[i] = in.getInt();
            encoding[i] = Encoding.fromIdOrNull(enc);
            boolean lz4 = (flags[i] & SegmentFormat.FLAG_LZ4) != 0;
            if (offset[i] < SegmentFormat.HEADER_LENGTH || stored[i] < 0 || decoded[i] < 0
                    || offset[i] + stored[i] > blocksEnd || (flags[i] & ~SegmentFormat.FLAG_LZ4) != 0
                    || (!lz4 && stored[i] != decoded[i])) {
                throw corrupt("segment footer has an impossible chunk", file, "chunk=" + i + ", offset=" + offset[i]
                        + ", stored=" + stored[i] + ", decoded=" + decoded[i] + ", flags=" + flags[i]);
            }
            if (encoding[i] == null || !encoding[i].appliesTo(type)) {
                throw corrupt("segment footer names an unknown encoding", file, "chunk=" + i + ", encoding=" + enc + ", type=" + type);
            }
            zones[i] = readZoneMap(in, type, blockRows[b], file);
        }
        if (in.hasRemaining()) {
            throw corrupt("segment footer has trailing bytes", file, "extra=" + in.remaining());
        }
        return new SegmentFooter(version, columns, nominalBlockRows, rowCount, meta, blockRows, columnZones,
                offset, stored, decoded, encoding, flags, crc, zones);
    }

    static void checkVersion(int version, Path file) {
        if (version > SegmentFormat.FORMAT_VERSION) {
            throw new SegmentVersionException(file, version);
        }
        if (version < SegmentFormat.MIN_FORMAT_VERSION) {
            throw corrupt("segment format version is invalid", file, "version=" + version);
        }
    }

    private static ZoneMap readZoneMap(ByteBuffer in, ColumnType type, long rowCount, Path file) {
        int flags = in.get() & 0xFF;
        long nullCount = in.getLong();
        boolean bytes = type.physical() == ColumnType.Physical.BYTES;
        int allowed = ZoneMap.FLAG_HAS_BOUNDS
                | (type == ColumnType.DOUBLE ? ZoneMap.FLAG_HAS_NAN : 0)
                | (bytes ? ZoneMap.FLAG_MIN_UNKNOWN | ZoneMap.FLAG_MAX_UNKNOWN : 0);
        if ((flags & ~allowed) != 0 || nullCount < 0 || nullCount > rowCount
                || ((flags & ZoneMap.FLAG_HAS_BOUNDS) != 0 && nullCount == rowCount)) {
            throw corrupt("segment zone map is invalid", file, "flags=" + flags + ", nulls=" + nullCount + ", rows=" + rowCount);
        }
        if ((flags & ZoneMap.FLAG_HAS_BOUNDS) == 0) {
            return ZoneMap.decoded(type, rowCount, nullCount, flags & ZoneMap.FLAG_HAS_NAN, 0, 0, null, null);
        }
        if (bytes) {
            byte[] min = (flags & ZoneMap.FLAG_MIN_UNKNOWN) == 0 ? readBound(in, file) : null;
            byte[] max = (flags & ZoneMap.FLAG_MAX_UNKNOWN) == 0 ? readBound(in, file) : null;
            return ZoneMap.decoded(type, rowCount, nullCount, flags, 0, 0, min, max);
        }
        return ZoneMap.decoded(type, rowCount, nullCount, flags, in.getLong(), in.getLong(), null, null);
    }

    private static byte[] readBound(ByteBuffer in, Path file) {
        int len = in.get() & 0xFF;
        if (len > SegmentFormat.MAX_VARCHAR_BOUND_BYTES) {
            throw corrupt("segment zone map bound too long", file, "length=" + len);
        }
        byte[] b = new byte[len];
        in.get(b);
        return b;
    }

    private static String readString(ByteBuffer in) {
        int len = in.getInt();
        if (len < 0 || len > in.remaining()) {
            throw new IllegalArgumentException("string length out of range: " + len);
        }
        ByteBuffer slice = in.slice(in.position(), len);
        in.position(in.position() + len);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("string is not UTF-8", e);
        }
    }

    static StorageException corrupt(String what, Path file, String detail) {
        return StorageException.corrupt(what + " [file=" + file + (detail.isEmpty() ? "" : ", " + detail) + ']');
    }
}
