package io.quiver.bench.query;

import io.quiver.query.QueryEngine;
import io.quiver.query.QueryResult;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.RowBatch;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A query's answer in one neutral form, so the two engines can be compared: numbers as doubles,
 * dates as epoch days, timestamps as epoch micros, booleans and strings as themselves. Reading the
 * answer is part of each engine's timed run (every value is touched once).
 */
final class ResultRows {
    private final List<List<Object>> rows;

    private ResultRows(List<List<Object>> rows) {
        this.rows = rows;
    }

    int size() {
        return rows.size();
    }

    static ResultRows quiver(QueryEngine engine, String sql) {
        List<List<Object>> out = new ArrayList<>();
        try (QueryResult r = engine.execute(sql)) {
            List<ColumnType> types = r.cursor().columnTypes();
            RowBatch b;
            while ((b = r.cursor().next()) != null) {
                for (int i = 0; i < b.rowCount(); i++) {
                    List<Object> row = new ArrayList<>(b.columnCount());
                    for (int c = 0; c < b.columnCount(); c++) {
                        Object v = b.column(c).isNull(i) ? null : switch (types.get(c)) {
                            case BOOLEAN -> b.column(c).getLong(i) != 0;
                            case VARCHAR -> b.column(c).getString(i);
                            case DOUBLE -> b.column(c).getDouble(i);
                            default -> (double) b.column(c).getLong(i);
                        };
                        row.add(v);
                    }
                    out.add(row);
                }
            }
        }
        return new ResultRows(out);
    }

    static ResultRows duckDb(Connection c, String sql) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            int[] types = new int[n];
            for (int i = 0; i < n; i++) {
                types[i] = md.getColumnType(i + 1);
            }
            while (rs.next()) {
                List<Object> row = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    Object v = switch (types[i]) {
                        case Types.DATE -> {
                            LocalDate d = rs.getObject(i + 1, LocalDate.class);
                            yield d == null ? null : (double) d.toEpochDay();
                        }
                        case Types.TIMESTAMP -> {
                            LocalDateTime t = rs.getObject(i + 1, LocalDateTime.class);
                            yield t == null ? null : (double) (t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000);
                        }
                        default -> normalize(rs.getObject(i + 1));
                    };
                    row.add(v);
                }
                out.add(row);
            }
        }
        return new ResultRows(out);
    }

    private static Object normalize(Object v) {
        return switch (v) {
            case null -> null;
            case Integer i -> (double) i;
            case Long l -> (double) l;
            case Short s -> (double) s;
            case Byte b -> (double) b;
            case Float f -> (double) f;
            case BigInteger bi -> bi.doubleValue();
            case BigDecimal bd -> bd.doubleValue();
            default -> v;
        };
    }

    /**
     * An order-insensitive checksum: the sum of per-row hashes, doubles rounded to 9 significant
     * digits so that floating-point sums added in another order hash alike.
     */
    long checksum() {
        long sum = 0;
        for (List<Object> row : rows) {
            long h = 17;
            for (Object v : row) {
                Object k = v instanceof Double d ? round(d) : v;
                h = h * 31 + (k == null ? 0 : k.hashCode());
            }
            sum += h * 0x9E3779B97F4A7C15L;
        }
        return sum;
    }

    /** Null when both answers agree (as multisets, doubles within 1e-9 relative), else what differs. */
    String differenceFrom(ResultRows other) {
        if (rows.size() != other.rows.size()) {
            return "row counts differ: " + rows.size() + " vs " + other.rows.size();
        }
        List<List<Object>> a = new ArrayList<>(rows);
        List<List<Object>> b = new ArrayList<>(other.rows);
        a.sort(ORDER);
        b.sort(ORDER);
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).size() != b.get(i).size()) {
                return "column counts differ";
            }
            for (int c = 0; c < a.get(i).size(); c++) {
                if (!same(a.get(i).get(c), b.get(i).get(c))) {
                    return "row " + i + " column " + (c + 1) + ": " + a.get(i).get(c) + " vs " + b.get(i).get(c);
                }
            }
        }
        return null;
    }

    private static boolean same(Object x, Object y) {
        if (x == null || y == null) {
            return x == y;
        }
        if (x instanceof Double a && y instanceof Double b) {
            return a.equals(b) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
        }
        return x.equals(y);
    }

    private static double round(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d) || d == 0) {
            return d;
        }
        double scale = Math.pow(10, 9 - Math.ceil(Math.log10(Math.abs(d))));
        return Math.round(d * scale) / scale;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final Comparator<List<Object>> ORDER = (p, q) -> {
        for (int i = 0; i < Math.min(p.size(), q.size()); i++) {
            Object x = p.get(i);
            Object y = q.get(i);
            if (x == null || y == null) {
                if (x != y) {
                    return x == null ? -1 : 1;
                }
                continue;
            }
            int c = x instanceof Double a && y instanceof Double b ? Double.compare(round(a), round(b))
                    : x.getClass() != y.getClass() ? x.getClass().getName().compareTo(y.getClass().getName())
                    : ((Comparable) x).compareTo(y);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(p.size(), q.size());
    };
}
