package io.quiver.query.exec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ByteDictionaryTest {
    @Test
    void internsManyDistinctStringsAndFindsThemAgain() {
        ByteDictionary d = new ByteDictionary();
        int n = 100_000; // well past every initial capacity (a past bug: ids 128+ overflowed the hash array)
        for (int i = 0; i < n; i++) {
            byte[] b = ("value-" + i).getBytes(StandardCharsets.UTF_8);
            assertEquals(i, d.intern(b, 0, b.length));
        }
        for (int i = n - 1; i >= 0; i -= 7) {
            byte[] b = ("value-" + i).getBytes(StandardCharsets.UTF_8);
            assertEquals(i, d.intern(b, 0, b.length));
            assertArrayEquals(b, Arrays.copyOfRange(d.data(), d.start(i), d.end(i)));
        }
        assertEquals(n, d.size());
    }
}
