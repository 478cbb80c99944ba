package io.quiver.query;

import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;

import java.util.List;

/**
 * Turns result rows into the reader's own unit (for example one Arrow record batch) on the engine's
 * worker threads, so the conversion runs in parallel with the scan and the reader only ships units.
 * See {@link ResultCursor#encoded}.
 *
 * @param <T> the unit handed to the reader
 */
public interface ResultEncoder<T> {
    /** A new part for one producing thread; a part is never used by two threads at once. */
    Part<T> newPart(List<ColumnType> types);

    /** Frees a finished unit that will never reach the reader (the query was cancelled or failed). */
    void discard(T unit);

    /** One thread's unit under construction. */
    interface Part<T> {
        /**
         * Appends rows {@code [0, count)} of {@code cols} (one vector per result column, in order);
         * returns a finished unit when this part has gathered enough rows, else null.
         */
        T append(ColumnVector[] cols, int count);

        /** The rows appended since the last unit as one unit, or null when there are none. */
        T flush();

        /** Frees any rows still pending; the part is not used afterwards. */
        void close();
    }
}
