package io.quiver.storage.dedup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Child JVM of {@link IdempotencyIndexConcurrentOpenTest}: Chronicle Map generates and compiles its
 * classes the first time a JVM opens a map, so only a fresh JVM shows what happens when that first
 * time is several threads at once (a server's dedup warm-up racing the first table created).
 * Args: directory, thread count. Exit 0 and prints OK when every index opened and took a record.
 */
public final class ConcurrentOpenMain {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        long staggerMillis = args.length > 2 ? Long.parseLong(args[2]) : 0;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Path file = dir.resolve("t" + i).resolve("dedup.cm");
            long delay = i * staggerMillis;
            Thread t = Thread.ofPlatform().name("open-" + i).start(() -> {
                try {
                    start.await();
                    Thread.sleep(delay);
                    try (IdempotencyIndex idx = IdempotencyIndex.open(file, 1000, 86_400_000L)) {
                        idx.record("batch-" + file.getParent().getFileName(), 7, System.currentTimeMillis());
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            all.add(t);
        }
        start.countDown();
        for (Thread t : all) {
            t.join();
        }
        if (failure.get() != null) {
            failure.get().printStackTrace();
            System.exit(1);
        }
        try (var files = Files.walk(dir)) {
            List<Path> corrupt = files.filter(p -> p.getFileName().toString().endsWith(".corrupt")).toList();
            if (!corrupt.isEmpty()) {
                System.err.println("indexes moved aside as corrupt: " + corrupt);
                System.exit(1);
            }
        }
        System.out.println("OK");
    }
}
