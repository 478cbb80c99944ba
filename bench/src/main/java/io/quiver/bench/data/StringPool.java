package io.quiver.bench.data;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A fixed set of strings held both as Java strings (for JDBC) and as UTF-8 bytes (for RowBatch), so
 * generating a row picks an index and never allocates.
 */
public final class StringPool {
    private final String[] strings;
    private final byte[][] utf8;

    public StringPool(List<String> values) {
        strings = values.toArray(String[]::new);
        utf8 = new byte[strings.length][];
        for (int i = 0; i < strings.length; i++) {
            utf8[i] = strings[i].getBytes(StandardCharsets.UTF_8);
        }
    }

    public int size() {
        return strings.length;
    }

    public String string(int index) {
        return strings[index];
    }

    public byte[] utf8(int index) {
        return utf8[index];
    }
}
