package io.quiver.storage.segment;

import io.quiver.storage.StorageException;

import java.nio.file.Path;

/**
 * A segment was written by a newer server in a format version this one cannot read. Kind CORRUPT
 * because the file cannot be served, but it is not damaged: callers should keep it (e.g. for a
 * downgrade that is rolled forward again) rather than quarantine it.
 */
public final class SegmentVersionException extends StorageException {
    private final Path file;
    private final int version;

    SegmentVersionException(Path file, int version) {
        super(Kind.CORRUPT, "segment format version is newer than this server supports [file=" + file
                + ", version=" + version + ", supported=" + SegmentFormat.MIN_FORMAT_VERSION + ".." + SegmentFormat.FORMAT_VERSION
                + "]; upgrade the server to read it");
        this.file = file;
        this.version = version;
    }

    public Path file() {
        return file;
    }

    public int version() {
        return version;
    }
}
