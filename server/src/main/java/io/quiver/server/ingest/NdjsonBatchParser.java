package io.quiver.server.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.quiver.flight.ingest.IngestLimits;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import io.quiver.storage.TableSchema;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses an NDJSON body (one flat JSON object per line) into a columnar batch of the table's types.
 * Every line is parsed on its own, so one broken line (truncated, invalid UTF-8, not an object) is
 * reported by number and does not hide the errors of the others; the batch is only built when no
 * line has an error.
 *
 * <p>JSON library: Jackson's streaming {@link JsonParser} (jackson-core, already on the server's
 * classpath for the admin endpoint). It reads UTF-8 bytes directly, rejects malformed UTF-8, tells
 * integers from floats without a tree per line, and reports exact positions; Gson and JSON-P would
 * add a dependency for less.
 *
 * <p>Types: an existing column keeps its type; a field new to the table gets BIGINT (integers only),
 * DOUBLE (any fraction), BOOLEAN or VARCHAR; the designated timestamp is TIMESTAMP. TIMESTAMP values
 * are ISO-8601 strings ({@code 2026-11-23T10:00:00.123456Z}; no zone means UTC) or integer
 * microseconds since the epoch; DATE values are {@code YYYY-MM-DD} or integer days. {@code null} and
 * absent fields are NULL.
 */
final class NdjsonBatchParser {
    static final int MAX_ERRORS = 100;
    /** Names tried, in order, as the designated timestamp of an auto-created table when none is given. */
    static final List<String> DEFAULT_TIMESTAMP_NAMES = List.of("ts", "timestamp", "time");

    private static final byte ABSENT = 0;
    private static final byte LONG = 1;
    private static final byte DOUBLE = 2;
    private static final byte BOOL = 3;
    private static final byte STRING = 4;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build()).build();

    /** The parsed batch: incoming columns (with the types they are stored as) and the line of each row. */
    record Parsed(List<ColumnDef> columns, RowBatch batch, long[] lineOfRow) {}

    private final String table;
    private final TableSchema schema; // null when the table does not exist yet
    private final String timestampColumn;
    private final IngestLimits limits;
    private final Map<String, Field> fields = new LinkedHashMap<>();
    private final List<LineError> errors = new ArrayList<>();
    private boolean errorsTruncated;
    private long[] lineOfRow = new long[1024];
    private int rows;

    private NdjsonBatchParser(String table, TableSchema schema, String timestampHint, IngestLimits limits) {
        this.table = table;
        this.schema = schema;
        this.limits = limits;
        this.timestampColumn = schema != null ? schema.timestampColumn()
                : timestampHint == null || timestampHint.isEmpty() ? null : timestampHint;
    }

    /**
     * Parses {@code body}. {@code schema} is the table's schema or null when it does not exist;
     * {@code timestampHint} names the designated timestamp for a table created by this batch.
     *
     * @throws NdjsonRejected with every line error found
     */
    static Parsed parse(byte[] body, String table, TableSchema schema, String timestampHint, IngestLimits limits) {
        return new NdjsonBatchParser(table, schema, timestampHint, limits).run(body);
    }

    /** One JSON field across the lines: the raw values by row, typed once all lines are read. */
    private static final class Field {
        final String name;
        byte[] kinds = new byte[64];
        long[] longs = new long[64];
        double[] doubles;
        String[] strings;
        long firstLine;
        byte firstKind;

        Field(String name) {
            this.name = name;
        }

        void set(int row, byte kind, long l, double d, String s, long line) {
            if (row >= kinds.length) {
                int n = Math.max(row + 1, kinds.length * 2);
                kinds = Arrays.copyOf(kinds, n);
                longs = Arrays.copyOf(longs, n);
                if (doubles != null) {
                    doubles = Arrays.copyOf(doubles, n);
                }
                if (strings != null) {
                    strings = Arrays.copyOf(strings, n);
                }
            }
            kinds[row] = kind;
            switch (kind) {
                case LONG, BOOL -> longs[row] = l;
                case DOUBLE -> {
                    if (doubles == null) {
                        doubles = new double[kinds.length];
                    }
                    doubles[row] = d;
                }
                case STRING -> {
                    if (strings == null) {
                        strings = new String[kinds.length];
                    }
                    strings[row] = s;
                }
                default -> { }
            }
            if (firstKind == ABSENT && kind != ABSENT) {
                firstKind = kind;
                firstLine = line;
            }
        }
    }

    private Parsed run(byte[] body) {
        int start = 0;
        long line = 0;
        while (start <= body.length && !errorsFull()) {
            int end = indexOf(body, (byte) '\n', start);
            line++;
            int stop = end;
            if (stop > start && body[stop - 1] == '\r') {
                stop--;
            }
            if (!isBlank(body, start, stop)) {
                parseLine(body, start, stop, line);
            }
            if (end == body.length) {
                break;
            }
            start = end + 1;
        }
        if (rows == 0 && errors.isEmpty()) {
            errors.add(new LineError(0, "", "body holds no JSON lines [table=" + table + ']'));
        }
        if (rows > limits.maxRowsPerBatch()) {
            throw new io.quiver.flight.ingest.IngestFailure(io.quiver.proto.v1.IngestError.Code.RESOURCE_EXHAUSTED,
                    "batch has too many rows [table=" + table + ", rows=" + rows + ", max=" + limits.maxRowsPerBatch() + ']', -1, "", false, null);
        }
        List<ColumnDef> columns = new ArrayList<>();
        List<ColumnVector> vectors = new ArrayList<>();
        if (rows > 0) {
            // Type the lines that parsed even when others did not, so one response lists every problem.
            resolveTimestamp();
            for (Field f : fields.values()) {
                ColumnType type = typeOf(f);
                if (type == null) {
                    continue; // only NULLs in a field the table does not have: nothing to store, nothing to type
                }
                ColumnDef def;
                try {
                    def = new ColumnDef(schema != null && schema.indexOf(f.name) >= 0 ? schema.column(schema.indexOf(f.name)).name() : f.name, type);
                } catch (StorageException e) {
                    error(f.firstLine, f.name, e.getMessage());
                    continue;
                }
                ColumnVector v = convert(f, type);
                columns.add(def);
                vectors.add(v);
            }
            if (errors.isEmpty() && columns.size() > limits.maxColumns()) {
                error(0, "", "too many columns [table=" + table + ", columns=" + columns.size() + ", max=" + limits.maxColumns() + ']');
            }
        }
        if (!errors.isEmpty()) {
            errors.sort(java.util.Comparator.comparingLong(LineError::line)); // value errors are found column by column
            throw new NdjsonRejected(errors, errorsTruncated);
        }
        RowBatch batch = new RowBatch(columns, vectors.toArray(ColumnVector[]::new), rows);
        return new Parsed(columns, batch, Arrays.copyOf(lineOfRow, rows));
    }

    private void parseLine(byte[] body, int start, int stop, long line) {
        int row = rows;
        int errorsBefore = errors.size();
        try (JsonParser p = JSON.createParser(body, start, stop - start)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                error(line, "", "line is not a JSON object");
                return;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                Field f = fields.get(name);
                if (f == null) {
                    f = new Field(name);
                    fields.put(name, f);
                } else if (f.kinds.length > row && f.kinds[row] != ABSENT) {
                    error(line, name, "field given twice in one line");
                }
                switch (v) {
                    case VALUE_NUMBER_INT -> {
                        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            error(line, name, "integer out of range for BIGINT [value=" + p.getText() + ']');
                        } else {
                            f.set(row, LONG, p.getLongValue(), 0, null, line);
                        }
                    }
                    case VALUE_NUMBER_FLOAT -> f.set(row, DOUBLE, 0, p.getDoubleValue(), null, line);
                    case VALUE_TRUE -> f.set(row, BOOL, 1, 0, null, line);
                    case VALUE_FALSE -> f.set(row, BOOL, 0, 0, null, line);
                    case VALUE_STRING -> f.set(row, STRING, 0, 0, p.getText(), line);
                    case VALUE_NULL -> f.set(row, ABSENT, 0, 0, null, line);
                    case START_OBJECT, START_ARRAY -> {
                        error(line, name, "nested objects and arrays are not supported");
                        p.skipChildren();
                    }
                    default -> error(line, name, "unexpected JSON token [token=" + v + ']');
                }
            }
            if (t != JsonToken.END_OBJECT) {
                error(line, "", "malformed JSON object");
                return;
            }
            if (p.nextToken() != null) {
                error(line, "", "more than one JSON value on the line");
            }
        } catch (JsonParseException e) {
            error(line, "", "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            error(line, "", "unreadable JSON: " + e.getMessage());
        }
        if (errors.size() == errorsBefore) {
            if (row == lineOfRow.length) {
                lineOfRow = Arrays.copyOf(lineOfRow, row * 2);
            }
            lineOfRow[row] = line;
            rows++;
        } else {
            // The line is rejected: forget whatever values it left behind.
            for (Field f : fields.values()) {
                if (f.kinds.length > row) {
                    f.kinds[row] = ABSENT;
                }
            }
        }
    }

    private void resolveTimestamp() {
        if (schema != null || timestampColumn != null) {
            return;
        }
        for (String candidate : DEFAULT_TIMESTAMP_NAMES) {
            for (String name : fields.keySet()) {
                if (name.equalsIgnoreCase(candidate)) {
                    chosenTimestamp = name;
                    return;
                }
            }
        }
        error(0, "", "cannot create the table without a designated timestamp: add ?timestamp=<field> or a field named "
                + String.join(", ", DEFAULT_TIMESTAMP_NAMES) + " [table=" + table + ']');
    }

    private String chosenTimestamp;

    /** The designated timestamp column's name (given, the table's, or chosen from the defaults). */
    String timestampColumn() {
        return timestampColumn != null ? timestampColumn : chosenTimestamp;
    }

    private ColumnType typeOf(Field f) {
        if (schema != null) {
            int idx = schema.indexOf(f.name);
            if (idx >= 0) {
                return schema.column(idx).type();
            }
        }
        String ts = timestampColumn();
        if (ts != null && ts.equalsIgnoreCase(f.name)) {
            return ColumnType.TIMESTAMP;
        }
        boolean anyLong = false;
        boolean anyDouble = false;
        boolean anyBool = false;
        boolean anyString = false;
        for (int r = 0; r < rows && r < f.kinds.length; r++) {
            switch (f.kinds[r]) {
                case LONG -> anyLong = true;
                case DOUBLE -> anyDouble = true;
                case BOOL -> anyBool = true;
                case STRING -> anyString = true;
                default -> { }
            }
        }
        int kinds = (anyLong || anyDouble ? 1 : 0) + (anyBool ? 1 : 0) + (anyString ? 1 : 0);
        if (kinds == 0) {
            return null;
        }
        if (kinds > 1) {
            // Report the first line whose kind differs from the field's first kind.
            for (int r = 0; r < rows; r++) {
                byte k = r < f.kinds.length ? f.kinds[r] : ABSENT;
                if (k != ABSENT && family(k) != family(f.firstKind)) {
                    error(lineOfRow[r], f.name, "field type changes between lines [first=" + kindName(f.firstKind) + " at line "
                            + f.firstLine + ", here=" + kindName(k) + ']');
                    break;
                }
            }
            return null;
        }
        return anyString ? ColumnType.VARCHAR : anyBool ? ColumnType.BOOLEAN : anyDouble ? ColumnType.DOUBLE : ColumnType.BIGINT;
    }

    private static int family(byte kind) {
        return kind == DOUBLE ? LONG : kind;
    }

    private static String kindName(byte kind) {
        return switch (kind) {
            case LONG -> "integer";
            case DOUBLE -> "number";
            case BOOL -> "boolean";
            case STRING -> "string";
            default -> "null";
        };
    }

    private ColumnVector convert(Field f, ColumnType type) {
        ColumnVector v = new ColumnVector(type, rows);
        for (int r = 0; r < rows; r++) {
            byte k = r < f.kinds.length ? f.kinds[r] : ABSENT;
            if (k == ABSENT) {
                v.appendNull();
                continue;
            }
            long line = lineOfRow[r];
            switch (type) {
                case BOOLEAN -> {
                    if (k == BOOL) {
                        v.appendLong(f.longs[r]);
                    } else {
                        mismatch(v, f, line, type, k);
                    }
                }
                case SMALLINT, INT, BIGINT -> {
                    if (k == LONG && f.longs[r] >= type.minValue() && f.longs[r] <= type.maxValue()) {
                        v.appendLong(f.longs[r]);
                    } else if (k == LONG) {
                        error(line, f.name, "value out of range for " + type + " [value=" + f.longs[r] + ']');
                        v.appendNull();
                    } else {
                        mismatch(v, f, line, type, k);
                    }
                }
                case DOUBLE -> {
                    if (k == LONG) {
                        v.appendDouble(f.longs[r]);
                    } else if (k == DOUBLE) {
                        v.appendDouble(f.doubles[r]);
                    } else {
                        mismatch(v, f, line, type, k);
                    }
                }
                case DATE -> {
                    if (k == LONG) {
                        v.appendLong(f.longs[r]);
                    } else if (k == STRING) {
                        try {
                            v.appendLong(LocalDate.parse(f.strings[r]).toEpochDay());
                        } catch (DateTimeParseException e) {
                            error(line, f.name, "not a date (YYYY-MM-DD) [value=" + f.strings[r] + ']');
                            v.appendNull();
                        }
                    } else {
                        mismatch(v, f, line, type, k);
                    }
                }
                case TIMESTAMP -> {
                    if (k == LONG) {
                        v.appendLong(f.longs[r]);
                    } else if (k == STRING) {
                        long micros = parseTimestamp(f.strings[r]);
                        if (micros == Long.MIN_VALUE) {
                            error(line, f.name, "not an ISO-8601 timestamp [value=" + f.strings[r] + ']');
                            v.appendNull();
                        } else {
                            v.appendLong(micros);
                        }
                    } else {
                        mismatch(v, f, line, type, k);
                    }
                }
                case VARCHAR -> {
                    if (k == STRING) {
                        byte[] utf8 = f.strings[r].getBytes(StandardCharsets.UTF_8);
                        if (utf8.length > limits.maxStringBytes()) {
                            error(line, f.name, "string longer than the limit [bytes=" + utf8.length + ", max=" + limits.maxStringBytes() + ']');
                            v.appendNull();
                        } else {
                            v.appendBytes(utf8, 0, utf8.length);
                        }
                    } else {
                        mismatch(v, f, line, type, k);
                    }
                }
            }
        }
        return v;
    }

    private void mismatch(ColumnVector v, Field f, long line, ColumnType type, byte kind) {
        error(line, f.name, "expected a value for " + type + " column, got " + kindName(kind));
        v.appendNull();
    }

    /** Micros since the epoch, or Long.MIN_VALUE when unparsable. */
    static long parseTimestamp(String s) {
        try {
            Instant i;
            if (s.endsWith("Z") || s.endsWith("z") || hasOffset(s)) {
                i = java.time.OffsetDateTime.parse(s.toUpperCase(Locale.ROOT)).toInstant();
            } else {
                i = LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            }
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000);
        } catch (DateTimeParseException | ArithmeticException e) {
            return Long.MIN_VALUE;
        }
    }

    private static boolean hasOffset(String s) {
        int t = s.indexOf('T');
        return t > 0 && (s.indexOf('+', t) > 0 || s.indexOf('-', t) > 0);
    }

    private void error(long line, String field, String message) {
        if (errors.size() < MAX_ERRORS) {
            errors.add(new LineError(line, field, message));
        } else {
            errorsTruncated = true;
        }
    }

    private boolean errorsFull() {
        return errors.size() >= MAX_ERRORS;
    }

    private static int indexOf(byte[] b, byte x, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return b.length;
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }
}
