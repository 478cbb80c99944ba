package io.quiver.flight.sql;

import io.quiver.query.ErrorCode;
import io.quiver.query.QueryEngine;
import io.quiver.query.QueryException;
import io.quiver.query.QueryResult;
import io.quiver.query.ResultCursor;
import io.quiver.query.catalog.QueryCatalog;
import io.quiver.query.parse.SqlFrontEnd;
import io.quiver.query.parse.Statement;
import io.quiver.query.plan.Binder;
import io.quiver.query.plan.Field;
import io.quiver.query.plan.Plan;
import io.quiver.storage.ColumnType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Learns what a statement is without running it: parses it, and for queries binds it against the
 * catalog to get the result schema (parameters replaced by placeholders of their inferred types).
 * SHOW and DESCRIBE are cheap and run once to read their schema; EXPLAIN's schema is its one
 * {@code plan} column. DDL and DML return no rows: the Flight SQL JDBC driver treats an empty
 * dataset schema as "executeUpdate".
 */
final class StatementAnalyzer {
    private final QueryEngine engine;
    private final QueryCatalog catalog;
    private final int maxSqlBytes;

    StatementAnalyzer(QueryEngine engine, QueryCatalog catalog, int maxSqlBytes) {
        this.engine = engine;
        this.catalog = catalog;
        this.maxSqlBytes = maxSqlBytes;
    }

    void checkSize(String sql) {
        // UTF-8 never takes more than 3 bytes per UTF-16 char: measure exactly only near the limit.
        if ((long) sql.length() * 3 > maxSqlBytes) {
            int bytes = sql.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxSqlBytes) {
                throw FlightErrors.status(org.apache.arrow.flight.CallStatus.INVALID_ARGUMENT, "SQL text longer than allowed [bytes="
                        + bytes + ", max=" + maxSqlBytes + ", limit=flight.max.sql.bytes]", FlightErrors.PROGRAM_LIMIT);
            }
        }
        if (sql.isBlank()) {
            throw FlightErrors.of(new QueryException(ErrorCode.SYNTAX_ERROR, "empty statement"));
        }
    }

    AnalyzedStatement analyze(String sql) {
        checkSize(sql);
        ParameterMarkers markers = ParameterMarkers.scan(sql);
        try {
            if (markers.count() == 0) {
                return analyzeBound(sql, sql, markers, List.of());
            }
            // Parameters are typed from the Calcite tree, then replaced by placeholders to bind the statement.
            List<ColumnType> types = ParameterTypes.infer(SqlFrontEnd.parseCalcite(sql), markers.count(), catalog);
            String[] placeholders = new String[types.size()];
            for (int i = 0; i < placeholders.length; i++) {
                placeholders[i] = SqlLiterals.placeholder(types.get(i));
            }
            return analyzeBound(sql, markers.bind(placeholders), markers, types);
        } catch (QueryException e) {
            throw FlightErrors.of(e);
        }
    }

    private AnalyzedStatement analyzeBound(String sql, String bound, ParameterMarkers markers, List<ColumnType> types) {
        Statement st = SqlFrontEnd.parse(bound);
        return switch (st) {
            case Statement.Query q -> {
                Plan plan = new Binder(catalog, 0).bindQuery(q.node());
                List<Field> fields = plan.fields();
                Schema schema = ArrowTypes.resultSchema(fields.stream().map(Field::name).toList(), fields.stream().map(Field::type).toList());
                yield new AnalyzedStatement(sql, markers, types, true, schema);
            }
            case Statement.Explain e -> new AnalyzedStatement(sql, markers, types, true,
                    ArrowTypes.resultSchema(List.of("plan"), List.of(ColumnType.VARCHAR)));
            case Statement.ShowTables s -> new AnalyzedStatement(sql, markers, types, true, schemaByRunning(bound));
            case Statement.Describe d -> new AnalyzedStatement(sql, markers, types, true, schemaByRunning(bound));
            case Statement.Insert i -> new AnalyzedStatement(sql, markers, types, false,
                    AnalyzedStatement.NO_COLUMNS);
            case Statement.Delete d -> new AnalyzedStatement(sql, markers, types, false,
                    AnalyzedStatement.NO_COLUMNS);
            default -> {
                if (markers.count() > 0) {
                    throw QueryException.unsupported("parameters in a statement other than a query, INSERT or DELETE");
                }
                yield new AnalyzedStatement(sql, markers, types, false, AnalyzedStatement.NO_COLUMNS);
            }
        };
    }


    private Schema schemaByRunning(String sql) {
        try (QueryResult r = engine.execute(sql)) {
            ResultCursor c = r.cursor();
            return ArrowTypes.resultSchema(c.columnNames(), c.columnTypes());
        }
    }
}
