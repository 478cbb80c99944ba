package io.quiver.storage.segment;

import io.quiver.storage.fs.FaultInjectingFilesFacade;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.quiver.storage.segment.SegmentFixtures.batch;
import static io.quiver.storage.segment.SegmentFixtures.col;
import static io.quiver.storage.segment.SegmentFixtures.meta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentWriterFailureTest {
    @TempDir
    Path dir;

    private final List<ColumnDef> cols = List.of(col("v", ColumnType.BIGINT), col("s", ColumnType.VARCHAR));

    private List<List<Object>> rows(int n) {
        Random rnd = new Random(5);
        List<List<Object>> v = List.of(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < n; i++) {
            v.get(0).add(rnd.nextLong());
            v.get(1).add("s" + rnd.nextInt());
        }
        return v;
    }

    private void assertNothingLeft(Path target) {
        assertFalse(Files.exists(target), "target must not appear: " + target);
        assertFalse(Files.exists(target.resolveSibling(target.getFileName() + SegmentWriter.TEMP_SUFFIX)), "temp file left behind");
    }

    @ParameterizedTest
    @EnumSource(value = FaultInjectingFilesFacade.Op.class, names = {"WRITE", "FORCE", "CLOSE", "ATOMIC_MOVE", "FSYNC_DIRECTORY"})
    void failureDuringFinishLeavesNoFile(FaultInjectingFilesFacade.Op op) {
        FaultInjectingFilesFacade fs = failing(op);
        Path target = dir.resolve("f.seg");
        SegmentWriter w = SegmentWriter.create(fs, target, cols, 100, meta());
        List<List<Object>> v = rows(1000);
        w.append(batch(cols, v, 0, 1000));
        StorageException e = assertThrows(StorageException.class, w::finish);
        assertEquals(StorageException.Kind.IO, e.kind());
        assertTrue(e.getMessage().contains("injected fault [op=" + op), e.getMessage());
        assertNothingLeft(target);
        assertTrue(fs.calls(op) >= 1, "the injected call happened");
        // the writer is dead: later calls fail clearly, close is harmless
        assertThrows(StorageException.class, w::finish);
        assertThrows(StorageException.class, () -> w.append(batch(cols, v, 0, 1)));
        w.close();
    }

    @Test
    void aLargeSegmentIsSyncedAsItGrowsNotOnlyAtFinish() {
        FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade();
        Path target = dir.resolve("big.seg");
        SegmentWriter w = SegmentWriter.create(fs, target, cols, 1000, meta());
        List<List<Object>> v = rows(600_000); // ~ 15 MB of random longs and strings: several sync intervals
        w.append(batch(cols, v, 0, 600_000));
        long syncsWhileWriting = fs.calls(FaultInjectingFilesFacade.Op.FORCE);
        assertTrue(syncsWhileWriting >= 2, "data synced while appending [forces=" + syncsWhileWriting + ']');
        w.finish();
        assertTrue(fs.calls(FaultInjectingFilesFacade.Op.FORCE) > syncsWhileWriting, "finish still syncs the rest");
        assertTrue(Files.exists(target));
    }

    @Test
    void failedWriteDuringAppendAbortsTheWriter() {
        FaultInjectingFilesFacade fs = failing(FaultInjectingFilesFacade.Op.WRITE);
        Path target = dir.resolve("a.seg");
        SegmentWriter w = SegmentWriter.create(fs, target, cols, 1000, meta());
        List<List<Object>> v = rows(100_000); // > 1 MiB of random longs: the write buffer spills during append
        StorageException e = assertThrows(StorageException.class, () -> w.append(batch(cols, v, 0, 100_000)));
        assertEquals(StorageException.Kind.IO, e.kind());
        assertNothingLeft(target);
        StorageException closed = assertThrows(StorageException.class, w::finish);
        assertEquals(StorageException.Kind.CLOSED, closed.kind());
    }

    @Test
    void failedCreateLeavesNothing() {
        FaultInjectingFilesFacade fs = failing(FaultInjectingFilesFacade.Op.OPEN);
        Path target = dir.resolve("o.seg");
        StorageException e = assertThrows(StorageException.class, () -> SegmentWriter.create(fs, target, cols, 100, meta()));
        assertEquals(StorageException.Kind.IO, e.kind());
        assertNothingLeft(target);
    }

    @Test
    void abortAndCloseWithoutFinishDeleteTheTempFile() {
        Path target = dir.resolve("x.seg");
        SegmentWriter w = SegmentWriter.create(SegmentFixtures.FS, target, cols, 100, meta());
        w.append(batch(cols, rows(500), 0, 500));
        assertTrue(Files.exists(dir.resolve("x.seg.tmp")));
        w.abort();
        assertNothingLeft(target);
        w.abort(); // idempotent

        try (SegmentWriter w2 = SegmentWriter.create(SegmentFixtures.FS, target, cols, 100, meta())) {
            w2.append(batch(cols, rows(10), 0, 10));
        }
        assertNothingLeft(target);
    }

    @Test
    void refusesToOverwriteAnExistingSegmentAndBadArguments() throws Exception {
        Path target = dir.resolve("e.seg");
        Files.write(target, new byte[]{1});
        StorageException e = assertThrows(StorageException.class,
                () -> SegmentWriter.create(SegmentFixtures.FS, target, cols, 100, meta()));
        assertEquals(StorageException.Kind.ALREADY_EXISTS, e.kind());
        Path t2 = dir.resolve("e2.seg");
        assertThrows(StorageException.class, () -> SegmentWriter.create(SegmentFixtures.FS, t2, cols, 0, meta()));
        assertThrows(StorageException.class, () -> SegmentWriter.create(SegmentFixtures.FS, t2, List.of(), 10, meta()));
        assertThrows(StorageException.class, () -> SegmentWriter.create(SegmentFixtures.FS, t2,
                List.of(col("a", ColumnType.INT), col("A", ColumnType.INT)), 10, meta()));
        assertNothingLeft(t2);
    }

    @Test
    void batchWithOtherColumnsIsRejected() {
        Path target = dir.resolve("b.seg");
        try (SegmentWriter w = SegmentWriter.create(SegmentFixtures.FS, target, cols, 100, meta())) {
            List<ColumnDef> other = List.of(col("v", ColumnType.BIGINT), col("s", ColumnType.INT));
            StorageException e = assertThrows(StorageException.class,
                    () -> w.append(batch(other, List.of(List.of(1L), List.of(2L)), 0, 1)));
            assertEquals(StorageException.Kind.INVALID_INPUT, e.kind());
            // a rejected batch does not poison the writer
            w.append(batch(cols, rows(3), 0, 3));
            w.finish();
        }
        SegmentReader r = SegmentReader.open(SegmentFixtures.FS, target);
        assertEquals(3, r.rowCount());
        r.release();
    }

    /** A facade whose first call of {@code op} (on any file) fails. */
    private static FaultInjectingFilesFacade failing(FaultInjectingFilesFacade.Op op) {
        FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade();
        fs.rule(op).nth(1).fail();
        return fs;
    }
}
