package io.quiver.bench.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Bytes on disk under a directory: the sum of its regular files' sizes. */
public final class DiskUsage {
    private DiskUsage() {
    }

    public static long bytes(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    /**
     * Bytes under a storage-engine data directory by what the files are: "segments" (*.qseg),
     * "dedup index" (*.cm, the batch-id index), "WAL" (under a wal/ directory), "catalog and
     * manifests" (the rest).
     */
    public static java.util.Map<String, Long> engineBytesByKind(Path dir) throws IOException {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (String k : java.util.List.of("segments", "dedup index", "WAL", "catalog and manifests")) {
            out.put(k, 0L);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                String kind = name.endsWith(".qseg") ? "segments"
                        : name.endsWith(".cm") ? "dedup index"
                        : p.getParent() != null && p.getParent().getFileName().toString().equals("wal") ? "WAL"
                        : "catalog and manifests";
                out.merge(kind, Files.size(p), Long::sum);
            }
        }
        return out;
    }

    /** Deletes a directory tree, quietly skipping what is already gone. */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
