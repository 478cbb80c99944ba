package io.quiver.storage.table;

import io.quiver.storage.TableSchema;
import io.quiver.storage.memtable.Memtable;
import io.quiver.storage.memtable.MemtableView;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.scan.TableScan;
import io.quiver.storage.segment.SegmentReader;

import java.util.ArrayList;
import java.util.List;

/**
 * A pinned {@link TableState}: every segment and memtable retained, and each memtable's row count
 * captured, so the snapshot is fixed for its whole life. {@link #close()} releases the pins.
 */
final class TableSnapshot implements TableScan {
    private final TableSchema schema;
    private final List<SegmentReader> segments;
    private final List<MemtableView> memtables;
    private final List<ScanSplit> splits;
    private boolean closed;

    private TableSnapshot(TableSchema schema, List<SegmentReader> segments, List<MemtableView> memtables, List<ScanSplit> splits) {
        this.schema = schema;
        this.segments = segments;
        this.memtables = memtables;
        this.splits = splits;
    }

    /** Pins everything in {@code st}, or returns null (having released what it pinned) if something was already released. */
    static TableSnapshot tryPin(TableState st) {
        List<SegmentReader> segs = new ArrayList<>();
        List<MemtableView> mems = new ArrayList<>();
        boolean ok = true;
        for (SegmentReader s : st.segments()) {
            if (!s.tryRetain()) {
                ok = false;
                break;
            }
            segs.add(s);
        }
        if (ok) {
            for (Memtable m : st.memtables()) {
                MemtableView v = m.tryAcquireView(); // retains, then captures the published row count
                if (v == null) {
                    ok = false;
                    break;
                }
                mems.add(v);
            }
        }
        if (!ok) {
            segs.forEach(SegmentReader::release);
            mems.forEach(MemtableView::close);
            return null;
        }
        List<ScanSplit> splits = new ArrayList<>();
        for (SegmentReader s : segs) {
            splits.add(new SegmentSplit(st.schema(), s, st.deletesOf(s)));
        }
        for (MemtableView v : mems) {
            if (v.rowCount() > 0) {
                splits.add(new MemtableSplit(v));
            }
        }
        return new TableSnapshot(st.schema(), segs, mems, List.copyOf(splits));
    }

    @Override
    public TableSchema schema() {
        return schema;
    }

    @Override
    public List<ScanSplit> splits() {
        return splits;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        segments.forEach(SegmentReader::release);
        memtables.forEach(MemtableView::close);
    }
}
