package io.quiver.query.exec;

/**
 * Where an operator pushes batches. One sink per producing thread: {@code accept} is never called
 * concurrently on the same sink. A batch is valid only during {@code accept}: keep a copy, not it.
 */
public interface Sink {
    void accept(Batch batch);

    /** This thread's input is complete. */
    void finish();

    /** Creates one sink per producing thread. Must be thread-safe. */
    @FunctionalInterface
    interface Factory {
        Sink create();
    }
}
