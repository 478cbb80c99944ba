package io.quiver.bench.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes longs one per line as ASCII, without allocating per value: DuckDB's bulk-load input. */
final class CsvLongWriter implements AutoCloseable {
    private final OutputStream out;
    private final byte[] digits = new byte[21];

    CsvLongWriter(Path file) throws IOException {
        out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
    }

    void write(long[] values, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            long v = values[i];
            int pos = digits.length;
            digits[--pos] = '\n';
            boolean negative = v < 0;
            // work with the negative value so Long.MIN_VALUE needs no special case
            long n = negative ? v : -v;
            do {
                digits[--pos] = (byte) ('0' - n % 10);
                n /= 10;
            } while (n != 0);
            if (negative) {
                digits[--pos] = '-';
            }
            out.write(digits, pos, digits.length - pos);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
