package io.quiver.storage.table;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.Durability;
import io.quiver.storage.PartitionBy;
import io.quiver.storage.StorageException;
import io.quiver.storage.TableSchema;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Encodes a table's definition as its {@code _table} file. See storage-engine/FORMAT.md. */
final class TableMetaFile {
    static final String FILE_NAME = "_table";
    /** 2: the "timestamp" key may be absent (a table without a designated timestamp). */
    static final int FORMAT_VERSION = 2;

    private TableMetaFile() {
    }

    record TableMeta(TableSchema schema, Durability durability) {}

    static byte[] encode(TableMeta meta) {
        TableSchema s = meta.schema();
        Map<String, String> m = new LinkedHashMap<>();
        // Format 2 only where it differs (no designated timestamp), so older binaries still read
        // every other table and refuse this one clearly instead of misreading it.
        m.put("format", Integer.toString(s.hasTimestamp() ? 1 : FORMAT_VERSION));
        m.put("name", s.name());
        m.put("schema.version", Integer.toString(s.version()));
        if (s.hasTimestamp()) {
            m.put("timestamp", s.timestampColumn());
        }
        m.put("sort.key", String.join(",", s.sortKeyNames()));
        m.put("partition.by", s.partitionBy().name());
        m.put("durability", meta.durability().name());
        m.put("columns", Integer.toString(s.columnCount()));
        for (int i = 0; i < s.columnCount(); i++) {
            ColumnDef c = s.column(i);
            m.put("column." + i, c.name() + ' ' + c.type().name());
        }
        return TextFileCodec.encode(m);
    }

    static TableMeta decode(byte[] content, Path file) {
        Map<String, String> m = TextFileCodec.decode(content, file);
        int format = Integer.parseInt(TextFileCodec.require(m, "format", file));
        if (format > FORMAT_VERSION) {
            throw StorageException.corrupt("table file written by a newer Quiver [file=" + file + ", format=" + format
                    + ", supported=" + FORMAT_VERSION + ']');
        }
        try {
            int columns = Integer.parseInt(TextFileCodec.require(m, "columns", file));
            List<ColumnDef> defs = new ArrayList<>();
            for (int i = 0; i < columns; i++) {
                String[] parts = TextFileCodec.require(m, "column." + i, file).split(" ", 2);
                defs.add(new ColumnDef(parts[0], ColumnType.valueOf(parts[1])));
            }
            TableSchema schema = new TableSchema(TextFileCodec.require(m, "name", file), defs,
                    format >= 2 ? m.get("timestamp") : TextFileCodec.require(m, "timestamp", file),
                    Arrays.asList(TextFileCodec.require(m, "sort.key", file).split(",")),
                    PartitionBy.valueOf(TextFileCodec.require(m, "partition.by", file)),
                    Integer.parseInt(TextFileCodec.require(m, "schema.version", file)));
            Durability durability = Durability.valueOf(m.getOrDefault("durability", Durability.FSYNC.name()));
            return new TableMeta(schema, durability);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw StorageException.corrupt("table file does not parse [file=" + file + ", cause=" + e.getMessage() + ']');
        }
    }
}
