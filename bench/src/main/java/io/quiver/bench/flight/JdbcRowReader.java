package io.quiver.bench.flight;

import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;

/**
 * Reads a result through JDBC the way a BI tool does: every row, every column with its typed getter
 * ({@code getTimestamp}, {@code getLong}, {@code getDate}, {@code getInt}, {@code getDouble} +
 * {@code wasNull}, {@code getBoolean}, {@code getString}). The same loop runs over the Flight SQL
 * JDBC driver and DuckDB's, so the two differ only in the driver.
 */
final class JdbcRowReader {
    /** Written once per read, so the values read are used and no getter call can be optimised away. */
    static volatile long blackhole;

    private JdbcRowReader() {
    }

    static StreamTally read(Connection connection, String sql) throws Exception {
        long t0 = System.nanoTime();
        long rows = 0;
        long checksum = 0;
        long sink = 0; // every value read feeds it, so the JIT cannot drop a getter
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows++;
                Timestamp ts = rs.getTimestamp(1);
                long id = rs.getLong(2);
                long user = rs.getLong(3);
                Date day = rs.getDate(4);
                int status = rs.getInt(5);
                int duration = rs.getInt(6);
                double price = rs.getDouble(7);
                if (rs.wasNull()) {
                    checksum++;
                }
                boolean bot = rs.getBoolean(8);
                String type = rs.getString(9);
                String url = rs.getString(10);
                checksum += id + url.length(); // the URLs are ASCII: chars = UTF-8 bytes
                sink += ts.getTime() + user + day.getTime() + status + duration + Double.doubleToRawLongBits(price)
                        + (bot ? 1 : 0) + type.length();
            }
        }
        blackhole = sink;
        return new StreamTally(rows, 0, 0, checksum, System.nanoTime() - t0, 0);
    }
}
