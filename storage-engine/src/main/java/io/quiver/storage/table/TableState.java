package io.quiver.storage.table;

import io.quiver.storage.TableSchema;
import io.quiver.storage.memtable.Memtable;
import io.quiver.storage.segment.SegmentReader;

import java.util.IdentityHashMap;
import java.util.Map;

import java.util.ArrayList;
import java.util.List;

/**
 * An immutable picture of a table: schema, live segments (oldest first), the memtables being
 * flushed (oldest first) and the active memtable. The table swaps whole states with one volatile
 * write, so a reader sees either the state before a flush (rows in a memtable) or after it (rows in
 * a segment), never both or neither.
 */
record TableState(TableSchema schema, List<SegmentReader> segments, Memtable active, List<Memtable> flushing,
                  Map<SegmentReader, DeleteVector> deletes) {
    TableState {
        segments = List.copyOf(segments);
        flushing = List.copyOf(flushing);
        deletes = java.util.Collections.unmodifiableMap(new IdentityHashMap<>(deletes));
    }

    /** The delete vector of a segment, or null when none of its rows is deleted. */
    DeleteVector deletesOf(SegmentReader segment) {
        return deletes.get(segment);
    }

    TableState withDeletes(Map<SegmentReader, DeleteVector> next) {
        return new TableState(schema, segments, active, flushing, next);
    }

    /** Flushing memtables, then the active one: the order their rows arrived. */
    List<Memtable> memtables() {
        List<Memtable> all = new ArrayList<>(flushing);
        all.add(active);
        return all;
    }

    long memtableBytes() {
        long n = active.offHeapBytes();
        for (Memtable m : flushing) {
            n += m.offHeapBytes();
        }
        return n;
    }

    TableState withSchema(TableSchema next) {
        return new TableState(next, segments, active, flushing, deletes);
    }

    TableState withNewActive(Memtable fresh) {
        List<Memtable> f = new ArrayList<>(flushing);
        f.add(active);
        return new TableState(schema, segments, fresh, f, deletes);
    }

    TableState withFlushed(Memtable sealed, List<SegmentReader> written) {
        List<Memtable> f = new ArrayList<>(flushing);
        f.remove(sealed);
        List<SegmentReader> s = new ArrayList<>(segments);
        s.addAll(written);
        return new TableState(schema, s, active, f, deletes);
    }

    TableState withCompacted(List<SegmentReader> inputs, List<SegmentReader> outputs) {
        List<SegmentReader> s = new ArrayList<>(segments);
        s.removeAll(inputs);
        s.addAll(outputs);
        Map<SegmentReader, DeleteVector> d = new IdentityHashMap<>(deletes);
        inputs.forEach(d::remove); // compaction dropped the deleted rows for good
        return new TableState(schema, s, active, flushing, d);
    }
}
