package io.quiver.server.ingest;

import java.util.List;

/** An NDJSON body failed validation: every error found (up to a cap), by line and field. Nothing was written. */
final class NdjsonRejected extends RuntimeException {
    final List<LineError> errors;
    final boolean truncated;

    NdjsonRejected(List<LineError> errors, boolean truncated) {
        super(errors.size() + (truncated ? "+" : "") + " errors, first: line " + errors.getFirst().line() + ": " + errors.getFirst().message(),
                null, false, false);
        this.errors = List.copyOf(errors);
        this.truncated = truncated;
    }
}
