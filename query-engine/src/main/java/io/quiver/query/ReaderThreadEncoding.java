package io.quiver.query;

import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.util.List;

/**
 * Encodes a cursor's batches on the reader's thread: batches already queued are gathered into one
 * unit (up to the part's own size limit), a batch that had to be waited for goes out at once.
 */
final class ReaderThreadEncoding<T> implements EncodedCursor<T> {
    private final ResultCursor cursor;
    private final ResultEncoder.Part<T> part;
    private final ColumnVector[] cols;
    private boolean ended;

    ReaderThreadEncoding(ResultCursor cursor, ResultEncoder<T> encoder) {
        this.cursor = cursor;
        this.part = encoder.newPart(cursor.columnTypes());
        this.cols = new ColumnVector[cursor.columnTypes().size()];
    }

    @Override
    public List<String> columnNames() {
        return cursor.columnNames();
    }

    @Override
    public List<ColumnType> columnTypes() {
        return cursor.columnTypes();
    }

    @Override
    public T next() {
        while (!ended) {
            RowBatch b = cursor.next();
            if (b == null) {
                ended = true;
                break;
            }
            T unit = encode(part, b, cols);
            cursor.release(b);
            if (unit != null) {
                return unit;
            }
            if (!cursor.ready()) {
                T gathered = part.flush(); // the next batch would have to be waited for: ship what is here
                if (gathered != null) {
                    return gathered;
                }
            }
        }
        return part.flush();
    }

    /** Appends a batch's rows to {@code part}; a finished unit or null. */
    static <T> T encode(ResultEncoder.Part<T> part, RowBatch b, ColumnVector[] scratch) {
        if (b.rowCount() == 0) {
            return null;
        }
        for (int c = 0; c < scratch.length; c++) {
            scratch[c] = b.column(c);
        }
        return part.append(scratch, b.rowCount());
    }

    @Override
    public boolean ready() {
        return ended || cursor.ready();
    }

    @Override
    public void close() {
        try {
            part.close();
        } finally {
            cursor.close();
        }
    }
}
