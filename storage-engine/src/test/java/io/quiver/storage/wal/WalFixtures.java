package io.quiver.storage.wal;

import io.quiver.storage.fs.FilesFacade;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Shared helpers for the WAL tests. */
final class WalFixtures {
    private WalFixtures() {
    }

    /** A record as replayed. */
    record Rec(long seq, int type, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** A payload that names its seq, padded to a random length so records differ in size. */
    static byte[] payload(long seq, Random rnd) {
        String head = "record-" + seq + ":";
        StringBuilder sb = new StringBuilder(head);
        int pad = rnd.nextInt(200);
        for (int i = 0; i < pad; i++) {
            sb.append((char) ('a' + (seq + i) % 26));
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static ByteBuffer buf(byte[] b) {
        return ByteBuffer.wrap(b);
    }

    static List<Rec> replayAll(FilesFacade fs, Path dir, long afterSeq) {
        List<Rec> out = new ArrayList<>();
        WalReader.replay(fs, dir, afterSeq, (seq, type, payload) -> {
            byte[] b = new byte[payload.remaining()];
            payload.get(b);
            out.add(new Rec(seq, type, b));
        });
        return out;
    }

    static List<Path> walFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> WalFormat.firstSeqOf(p) >= 0).sorted().toList();
        }
    }
}
