package io.quiver.storage.table;

import io.quiver.storage.StorageException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The catalog's small metadata files ({@code _table}, {@code _manifest}): UTF-8 {@code key=value}
 * lines ending with a {@code crc32c=} line over everything before it. Human-readable for operators,
 * and a torn or edited file is detected instead of half-parsed.
 */
final class TextFileCodec {
    static final String CRC_KEY = "crc32c";

    private TextFileCodec() {
    }

    static byte[] encode(Map<String, String> entries) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (e.getKey().indexOf('=') >= 0 || e.getKey().indexOf('\n') >= 0 || e.getValue().indexOf('\n') >= 0) {
                throw new IllegalArgumentException("bad metadata entry: " + e);
            }
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(body);
        return (sb + CRC_KEY + '=' + Long.toHexString(crc.getValue()) + '\n').getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> decode(byte[] content, Path file) {
        String text = new String(content, StandardCharsets.UTF_8);
        int crcLine = text.lastIndexOf(CRC_KEY + '=');
        if (crcLine < 0 || (crcLine > 0 && text.charAt(crcLine - 1) != '\n')) {
            throw StorageException.corrupt("metadata file has no checksum line [file=" + file + ']');
        }
        String body = text.substring(0, crcLine);
        String stored = text.substring(crcLine + CRC_KEY.length() + 1).trim();
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        if (!Long.toHexString(crc.getValue()).equals(stored)) {
            throw StorageException.corrupt("metadata file checksum mismatch [file=" + file + ", stored=" + stored
                    + ", computed=" + Long.toHexString(crc.getValue()) + ']');
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw StorageException.corrupt("metadata line without key [file=" + file + ", line=" + line + ']');
            }
            out.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return out;
    }

    static String require(Map<String, String> m, String key, Path file) {
        String v = m.get(key);
        if (v == null) {
            throw StorageException.corrupt("metadata file lacks a key [file=" + file + ", key=" + key + ']');
        }
        return v;
    }
}
