package io.quiver.bench.limits;

import io.quiver.bench.data.EventsChunk;
import io.quiver.bench.data.EventsDataset;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Realistic inputs for the LZ4 ceiling, cut in 64 KiB blocks (8192 BIGINT rows, the segment block
 * size) and compressed once with lz4-java's fast compressor; {@link #decompressAll} then measures
 * the safe decompressor, the only one the segment reader uses.
 */
public final class Lz4Corpus {
    public static final int BLOCK_BYTES = 64 * 1024;
    private static final LZ4SafeDecompressor SAFE = LZ4Factory.fastestInstance().safeDecompressor();

    private final String name;
    private final byte[][] compressed;
    private final int[] compressedLength;
    private final int[] rawLength;
    private final long rawBytes;
    private final long storedBytes;

    private Lz4Corpus(String name, byte[] raw) {
        this.name = name;
        LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
        int blocks = (raw.length + BLOCK_BYTES - 1) / BLOCK_BYTES;
        compressed = new byte[blocks][];
        compressedLength = new int[blocks];
        rawLength = new int[blocks];
        long stored = 0;
        for (int b = 0; b < blocks; b++) {
            int off = b * BLOCK_BYTES;
            int len = Math.min(BLOCK_BYTES, raw.length - off);
            byte[] dst = new byte[compressor.maxCompressedLength(len)];
            compressedLength[b] = compressor.compress(raw, off, len, dst, 0, dst.length);
            compressed[b] = dst;
            rawLength[b] = len;
            stored += compressedLength[b];
        }
        this.rawBytes = raw.length;
        this.storedBytes = stored;
    }

    /** BIGINT counters (5e9 + up to 2^20, as the scan benchmark) as plain little-endian longs. */
    public static Lz4Corpus bigintCounters(int megabytes, long seed) {
        int rows = megabytes * (1 << 20) / 8;
        ByteBuffer buf = ByteBuffer.allocate(rows * 8).order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < rows; i++) {
            buf.putLong(5_000_000_000L + rnd.nextInt(1 << 20));
        }
        return new Lz4Corpus("BIGINT counters, plain 8 B/row", buf.array());
    }

    /** The url column of the events dataset as concatenated UTF-8 (what a PLAIN VARCHAR block holds). */
    public static Lz4Corpus eventUrls(int megabytes, long seed) {
        byte[] raw = new byte[megabytes * (1 << 20)];
        EventsDataset data = new EventsDataset(seed, Long.MAX_VALUE, 7);
        EventsChunk chunk = new EventsChunk(4096);
        int pos = 0;
        while (pos < raw.length) {
            data.next(chunk);
            for (int i = 0; i < chunk.rows() && pos < raw.length; i++) {
                byte[] url = EventsDataset.URLS.utf8(chunk.url[i]);
                int n = Math.min(url.length, raw.length - pos);
                System.arraycopy(url, 0, raw, pos, n);
                pos += n;
            }
        }
        return new Lz4Corpus("events url text, plain", raw);
    }

    public String name() {
        return name;
    }

    public long rawBytes() {
        return rawBytes;
    }

    /** Compressed size / raw size. */
    public double ratio() {
        return (double) storedBytes / rawBytes;
    }

    public int blocks() {
        return compressed.length;
    }

    /** Decompresses blocks [from, to) into {@code scratch} (>= BLOCK_BYTES); returns bytes produced. */
    public long decompress(int from, int to, byte[] scratch) {
        long produced = 0;
        for (int b = from; b < to; b++) {
            int n = SAFE.decompress(compressed[b], 0, compressedLength[b], scratch, 0, rawLength[b]);
            if (n != rawLength[b]) {
                throw new IllegalStateException("lz4 returned " + n + " bytes, expected " + rawLength[b]);
            }
            produced += n;
        }
        return produced;
    }
}
