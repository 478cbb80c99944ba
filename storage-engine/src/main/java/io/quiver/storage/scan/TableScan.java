package io.quiver.storage.scan;

import io.quiver.storage.TableSchema;

import java.util.List;

/**
 * A consistent snapshot of one table for reading: the sealed segments and the memtable rows that
 * existed when the scan was opened. Everything acknowledged before {@code openScan} is in it;
 * nothing written after is. While open, it holds references that keep its segments mapped and its
 * memtables alive (compaction and flush cannot free them); {@link #close()} releases them.
 */
public interface TableScan extends AutoCloseable {
    /** The table's schema at the instant of the snapshot; column indexes refer to it. */
    TableSchema schema();

    /** Independent units of work (a segment, or a memtable) that threads may read in parallel. */
    List<ScanSplit> splits();

    /** Total rows in the snapshot (before any predicate). */
    default long rowCount() {
        long n = 0;
        for (ScanSplit s : splits()) {
            n += s.rowCount();
        }
        return n;
    }

    @Override
    void close();
}
