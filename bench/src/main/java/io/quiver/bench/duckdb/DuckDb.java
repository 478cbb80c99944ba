package io.quiver.bench.duckdb;

import io.quiver.bench.BenchEnvironment;
import org.duckdb.DuckDBConnection;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Opens the in-process DuckDB peer every comparison runs against: a database file, all cores
 * ({@code threads}) and a fixed memory limit, so its figures are taken on the same terms as ours.
 */
public final class DuckDb {
    /** DuckDB's memory limit unless a command sets another: a third of this 24 GiB machine, leaving room for the JVM. */
    public static final String MEMORY_LIMIT_DEFAULT = "8GB";

    private DuckDb() {
    }

    public static DuckDBConnection open(Path file, int threads, String memoryLimit) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
        DuckDBConnection duck = c.unwrap(DuckDBConnection.class);
        execute(duck, "SET threads = " + threads);
        execute(duck, "SET memory_limit = '" + memoryLimit + "'");
        return duck;
    }

    public static DuckDBConnection open(Path file) throws SQLException {
        return open(file, BenchEnvironment.cores(), MEMORY_LIMIT_DEFAULT);
    }

    public static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row from: " + sql);
            }
            return rs.getLong(1);
        }
    }

    public static String version(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version()")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
