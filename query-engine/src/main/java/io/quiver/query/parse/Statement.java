package io.quiver.query.parse;

import io.quiver.storage.ColumnDef;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlNode;

import java.util.List;
import java.util.Map;

/** One parsed SQL statement. Queries stay Calcite trees; statements Quiver executes itself are records. */
public sealed interface Statement {
    /** SELECT / WITH / VALUES / set operations, possibly with ORDER BY and LIMIT. */
    record Query(SqlNode node) implements Statement {}

    record Insert(SqlInsert node) implements Statement {}

    /** {@code DELETE FROM t [[AS] alias] [WHERE condition]}. */
    record Delete(SqlDelete node) implements Statement {}

    /** {@code options} keys are lower case: timestamp, partition_by, sort_key. */
    record CreateTable(String name, boolean ifNotExists, List<ColumnDef> columns, Map<String, String> options,
                       int line, int column) implements Statement {}

    record DropTable(String name, boolean ifExists) implements Statement {}

    record AddColumn(String table, ColumnDef column) implements Statement {}

    record ShowTables() implements Statement {}

    record Describe(String table, int line, int column) implements Statement {}

    record Explain(Query query, boolean analyze) implements Statement {}
}
