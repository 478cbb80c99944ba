package io.quiver.storage.segment;

import io.quiver.storage.StorageException;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a segment says about itself beyond its columns: the table it belongs to, the schema version
 * it was written with, its time partition, the range of the designated timestamp, and a few free
 * key/values (e.g. the WAL position a flush covers, the segments a compaction merged).
 *
 * @param table                 table name
 * @param schemaVersion         {@link io.quiver.storage.TableSchema#version()} the rows were written with
 * @param partitionStartMicros  start of the time partition the rows belong to (micros since epoch)
 * @param minTimestampMicros    smallest designated timestamp in the segment
 * @param maxTimestampMicros    largest designated timestamp in the segment
 * @param properties            small key/values, stored sorted by key
 */
public record SegmentMeta(String table, int schemaVersion, long partitionStartMicros,
                          long minTimestampMicros, long maxTimestampMicros, Map<String, String> properties) {
    /** Upper bound for the number of properties, to keep footers small. */
    public static final int MAX_PROPERTIES = 256;
    /** Upper bound for the characters of one property key or value. */
    public static final int MAX_PROPERTY_LENGTH = 4096;

    public SegmentMeta {
        Objects.requireNonNull(table, "table");
        properties = properties == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(properties));
        if (properties.size() > MAX_PROPERTIES) {
            throw StorageException.invalid("too many segment properties [count=" + properties.size() + ", max=" + MAX_PROPERTIES + ']');
        }
        for (Map.Entry<String, String> e : properties.entrySet()) {
            Objects.requireNonNull(e.getValue(), "property value");
            if (e.getKey().length() > MAX_PROPERTY_LENGTH || e.getValue().length() > MAX_PROPERTY_LENGTH) {
                throw StorageException.invalid("segment property too long [key=" + e.getKey() + ", max=" + MAX_PROPERTY_LENGTH + ']');
            }
        }
    }

    public SegmentMeta(String table, int schemaVersion, long partitionStartMicros, long minTimestampMicros, long maxTimestampMicros) {
        this(table, schemaVersion, partitionStartMicros, minTimestampMicros, maxTimestampMicros, Map.of());
    }

    /** A property value, or null. */
    public String property(String key) {
        return properties.get(key);
    }
}
