package io.quiver.storage.table;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.Durability;
import io.quiver.storage.PartitionBy;
import io.quiver.storage.StorageException;
import io.quiver.storage.TableSchema;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetadataFilesTest {
    private static final Path FILE = Path.of("t/_table");

    private static TableSchema schema() {
        return new TableSchema("events", List.of(
                new ColumnDef("ts", ColumnType.TIMESTAMP), new ColumnDef("user_id", ColumnType.BIGINT),
                new ColumnDef("country", ColumnType.VARCHAR)), "ts", List.of("user_id", "ts"), PartitionBy.HOUR, 3);
    }

    @Test
    void tableFileRoundTrips() {
        TableMetaFile.TableMeta meta = new TableMetaFile.TableMeta(schema(), Durability.BATCH);
        TableMetaFile.TableMeta back = TableMetaFile.decode(TableMetaFile.encode(meta), FILE);
        assertEquals(meta.schema(), back.schema());
        assertEquals(Durability.BATCH, back.durability());
        assertEquals(List.of("user_id", "ts"), back.schema().sortKeyNames());
    }

    @Test
    void anyChangedByteIsDetected() {
        byte[] good = TableMetaFile.encode(new TableMetaFile.TableMeta(schema(), Durability.FSYNC));
        for (int i = 0; i < good.length - 1; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x01;
            if (bad[i] == '\n' || good[i] == '\n') {
                continue; // a flipped newline may change line structure; covered by the checksum too, but skip the noise
            }
            int at = i;
            StorageException e = assertThrows(StorageException.class, () -> TableMetaFile.decode(bad, FILE),
                    "flip at byte " + at + " went unnoticed");
            assertEquals(StorageException.Kind.CORRUPT, e.kind());
            assertTrue(e.getMessage().contains("file=t/_table") || e.getMessage().contains("_table"), e.getMessage());
        }
    }

    @Test
    void truncatedFileIsDetected() {
        byte[] good = TableMetaFile.encode(new TableMetaFile.TableMeta(schema(), Durability.FSYNC));
        for (int len = 0; len < good.length - 2; len += 7) {
            byte[] bad = java.util.Arrays.copyOf(good, len);
            assertThrows(StorageException.class, () -> TableMetaFile.decode(bad, FILE), "truncated to " + len);
        }
    }

    @Test
    void newerFormatIsRefusedWithAClearError() {
        String text = new String(TableMetaFile.encode(new TableMetaFile.TableMeta(schema(), Durability.FSYNC)), StandardCharsets.UTF_8);
        String body = text.substring(0, text.lastIndexOf("crc32c=")).replace("format=1", "format=99");
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String line : body.split("\n")) {
            m.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        StorageException e = assertThrows(StorageException.class, () -> TableMetaFile.decode(TextFileCodec.encode(m), FILE));
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
    }

    @Test
    void manifestRoundTrips() {
        Manifest m = new Manifest(7, 12345, 42, List.of(
                new Manifest.SegmentEntry(40, "2026-11-23/seg-000000000040.qseg", 1_700_000_000_000_000L, 1000, 5, 99),
                new Manifest.SegmentEntry(41, "2026-11-24/seg-000000000041.qseg", 1_700_086_400_000_000L, 1, -3, -3)));
        assertEquals(m, Manifest.decode(m.encode(), Path.of("_manifest")));
        assertEquals(Manifest.empty(), Manifest.decode(Manifest.empty().encode(), Path.of("_manifest")));
    }
}
