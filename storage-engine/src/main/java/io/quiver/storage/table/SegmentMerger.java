package io.quiver.storage.table;

import io.quiver.storage.PartitionBy;
import io.quiver.storage.TableSchema;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.vector.RowBatch;

import java.io.IOException;
import java.util.List;

/**
 * K-way merge of segments that are each in the table's order (time partition, then sort key) into
 * one ordered stream: one block per input on the heap, a binary heap of inputs keyed by their
 * current row. Ties go to the earlier input, so the result equals a stable sort of the inputs'
 * concatenation (what compaction wrote before it streamed).
 */
final class SegmentMerger {
    private final PartitionBy partitionBy;
    private final int timestampColumn;
    private final int[] sortKey;
    private final Input[] heap;
    private int heapSize;

    private static final class Input {
        final int index;
        final ScanCursor cursor;
        final RowBatch block;
        int position;
        long partition;

        Input(int index, ScanCursor cursor, RowBatch block) {
            this.index = index;
            this.cursor = cursor;
            this.block = block;
        }
    }

    SegmentMerger(TableSchema schema, List<ScanCursor> cursors, int blockRows) {
        this.partitionBy = schema.partitionBy();
        this.timestampColumn = schema.timestampIndex();
        this.sortKey = schema.sortKey().stream().mapToInt(Integer::intValue).toArray();
        this.heap = new Input[cursors.size()];
        for (int i = 0; i < cursors.size(); i++) {
            Input in = new Input(i, cursors.get(i), new RowBatch(schema.columns(), blockRows));
            if (refill(in)) {
                heap[heapSize++] = in;
            }
        }
        for (int i = heapSize / 2 - 1; i >= 0; i--) {
            siftDown(i);
        }
    }

    /** Writes every row of every input to {@code out}, in order. */
    void mergeInto(SortedRunWriter out) throws IOException {
        while (heapSize > 1) {
            Input top = heap[0];
            out.appendRow(top.block, top.position);
            top.position++;
            if (top.position == top.block.rowCount() && !refill(top)) {
                heap[0] = heap[--heapSize];
                heap[heapSize] = null;
            } else {
                updatePartition(top);
            }
            siftDown(0);
        }
        if (heapSize == 1) {
            // The last input left: its remaining rows are in order already; copy them block-wise.
            Input last = heap[0];
            do {
                out.append(last.block, last.position, last.block.rowCount());
            } while (refill(last));
        }
    }

    /** Reads the input's next non-empty block; false when it has none. */
    private boolean refill(Input in) {
        while (in.cursor.next(in.block)) {
            if (in.block.rowCount() > 0) {
                in.position = 0;
                updatePartition(in);
                return true;
            }
        }
        return false;
    }

    private void updatePartition(Input in) {
        in.partition = timestampColumn < 0 ? 0L : partitionBy.partitionStart(in.block.column(timestampColumn).longs[in.position]);
    }

    private void siftDown(int i) {
        Input moving = heap[i];
        for (;;) {
            int child = 2 * i + 1;
            if (child >= heapSize) {
                break;
            }
            if (child + 1 < heapSize && less(heap[child + 1], heap[child])) {
                child++;
            }
            if (!less(heap[child], moving)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = moving;
    }

    private boolean less(Input a, Input b) {
        int c = Long.compare(a.partition, b.partition);
        if (c == 0) {
            for (int column : sortKey) {
                c = RowSorter.compareValues(a.block.column(column), a.position, b.block.column(column), b.position);
                if (c != 0) {
                    break;
                }
            }
        }
        return c != 0 ? c < 0 : a.index < b.index;
    }
}
