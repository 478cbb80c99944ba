package io.quiver.server.ingest;

/** One problem with an NDJSON body: the 1-based line, the field (or empty) and what is wrong. */
public record LineError(long line, String field, String message) {}
