package io.quiver.storage.table;

import io.quiver.storage.TableSchema;
import io.quiver.storage.memtable.Memtable;
import io.quiver.storage.segment.SegmentReader;

import java.util.ArrayList;
import java.util.List;

/**
 * An immutable picture of a table: schema, live segments (oldest first), the memtables being
 * flushed (oldest first) and the active memtable. The table swaps whole states with one volatile
 * write, so a reader sees either the state before a flush (rows in a memtable) or after it (rows in
 * a segment), never both or neither.
 */
record TableState(TableSchema schema, List<SegmentReader> segments, Memtable active, List<Memtable> flushing) {
    TableState {
        segments = List.copyOf(segments);
        flushing = List.copyOf(flushing);
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
        return new TableState(next, segments, active, flushing);
    }

    TableState withNewActive(Memtable fresh) {
        List<Memtable> f = new ArrayList<>(flushing);
        f.add(active);
        return new TableState(schema, segments, fresh, f);
    }

    TableState withFlushed(Memtable sealed, List<SegmentReader> written) {
        List<Memtable> f = new ArrayList<>(flushing);
        f.remove(sealed);
        List<SegmentReader> s = new ArrayList<>(segments);
        s.addAll(written);
        return new TableState(schema, s, active, f);
    }

    TableState withCompacted(List<SegmentReader> inputs, List<SegmentReader> outputs) {
        List<SegmentReader> s = new ArrayList<>(segments);
        s.removeAll(inputs);
        s.addAll(outputs);
        return new TableState(schema, s, active, flushing);
    }
}
