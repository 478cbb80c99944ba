package io.quiver.flight.sql;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.TableSchema;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlNullOrdering;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlOuterJoinsSupportLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedCaseSensitivity;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedElementActions;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedGroupBy;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedPositionedCommands;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedResultSetType;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedSubqueries;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedTransaction;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedUnions;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlTransactionIsolationLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SupportedAnsi92SqlGrammarLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SupportedSqlGrammar;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

/**
 * The answers to GetSqlInfo: every ID the Flight SQL JDBC driver's DatabaseMetaData reads, plus
 * what DBeaver and Tableau ask (quoting, case, keywords, function lists, grammar level). Quiver is
 * read-write, has no transactions, quotes identifiers with {@code "} and matches unquoted names
 * case-insensitively (reported as case-insensitive, which is what tools need to quote correctly).
 */
final class ServerSqlInfo {
    static final String SERVER_NAME = "Quiver";
    static final String ARROW_VERSION = "18.3.0";

    /** Words Quiver's dialect reserves beyond SQL:2003 (JDBC's getSQLKeywords wants only those). */
    static final String[] KEYWORDS = {"DESCRIBE", "EXPLAIN", "ILIKE", "LIMIT", "OFFSET", "PARTITION_BY", "SHOW", "SORT_KEY",
            "TABLES", "TIME_BUCKET"};
    static final String[] NUMERIC_FUNCTIONS = {"ABS", "CEIL", "CEILING", "EXP", "FLOOR", "GREATEST", "HASH", "LEAST", "LN", "LOG",
            "LOG10", "MOD", "POWER", "ROUND", "SIGN", "SQRT"};
    static final String[] STRING_FUNCTIONS = {"CHAR_LENGTH", "CONCAT", "CONTAINS", "LEFT", "LENGTH", "LOWER", "LTRIM", "OCTET_LENGTH",
            "POSITION", "REGEXP_MATCHES", "REGEXP_REPLACE", "REPLACE", "REVERSE", "RIGHT", "RTRIM", "SPLIT_PART", "STARTS_WITH",
            "STRPOS", "SUBSTRING", "TRIM", "UPPER"};
    static final String[] SYSTEM_FUNCTIONS = {"COALESCE", "IFNULL", "NULLIF"};
    static final String[] DATETIME_FUNCTIONS = {"CURRENT_TIMESTAMP", "DATE_PART", "DATE_TRUNC", "EXTRACT", "NOW", "TIME_BUCKET"};

    private ServerSqlInfo() {
    }

    static SqlInfoBuilder build(String serverVersion, long statementTimeoutMs) {
        return new SqlInfoBuilder()
                .withFlightSqlServerName(SERVER_NAME)
                .withFlightSqlServerVersion(serverVersion)
                .withFlightSqlServerArrowVersion(ARROW_VERSION)
                .withFlightSqlServerReadOnly(false)
                .withFlightSqlServerSql(true)
                .withFlightSqlServerSubstrait(false)
                .withFlightSqlServerTransaction(SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_NONE)
                .withFlightSqlServerCancel(true)
                .withFlightSqlServerBulkIngestion(true)
                .withFlightSqlServerBulkIngestionTransaction(false)
                .withFlightSqlServerStatementTimeout((int) Math.min(Integer.MAX_VALUE, statementTimeoutMs / 1000))
                .withFlightSqlServerTransactionTimeout(0)
                .withSqlIdentifierQuoteChar("\"")
                .withSqlSearchStringEscape("\\")
                .withSqlExtraNameCharacters("")
                .withSqlSchemaTerm("schema")
                .withSqlCatalogTerm("catalog")
                .withSqlProcedureTerm("procedure")
                .withSqlDdlCatalog(false)
                .withSqlDdlSchema(false)
                .withSqlDdlTable(true)
                .withSqlIdentifierCase(SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
                .withSqlQuotedIdentifierCase(SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
                .withSqlAllTablesAreSelectable(true)
                .withSqlNullOrdering(SqlNullOrdering.SQL_NULLS_SORTED_HIGH)
                .withSqlKeywords(KEYWORDS)
                .withSqlNumericFunctions(NUMERIC_FUNCTIONS)
                .withSqlStringFunctions(STRING_FUNCTIONS)
                .withSqlSystemFunctions(SYSTEM_FUNCTIONS)
                .withSqlDatetimeFunctions(DATETIME_FUNCTIONS)
                .withSqlSupportsConvert(Map.of())
                .withSqlSupportsColumnAliasing(true)
                .withSqlNullPlusNullIsNull(true)
                .withSqlSupportsTableCorrelationNames(true)
                .withSqlSupportsDifferentTableCorrelationNames(false)
                .withSqlSupportsExpressionsInOrderBy(true)
                .withSqlSupportsOrderByUnrelated(true)
                .withSqlSupportedGroupBy(SqlSupportedGroupBy.SQL_GROUP_BY_UNRELATED)
                .withSqlSupportsLikeEscapeClause(true)
                .withSqlSupportsNonNullableColumns(false)
                .withSqlSupportedGrammar(SupportedSqlGrammar.SQL_MINIMUM_GRAMMAR, SupportedSqlGrammar.SQL_CORE_GRAMMAR)
                .withSqlAnsi92SupportedLevel(SupportedAnsi92SqlGrammarLevel.ANSI92_ENTRY_SQL)
                .withSqlSupportsIntegrityEnhancementFacility(false)
                .withSqlOuterJoinSupportLevel(SqlOuterJoinsSupportLevel.SQL_FULL_OUTER_JOINS)
                .withSqlSchemasSupportedActions(new SqlSupportedElementActions[0])
                .withSqlCatalogsSupportedActions(new SqlSupportedElementActions[0])
                .withSqlCatalogAtStart(false)
                .withSqlSupportedPositionedCommands(new SqlSupportedPositionedCommands[0])
                .withSqlSelectForUpdateSupported(false)
                .withSqlStoredProceduresSupported(false)
                .withSqlSubQueriesSupported(SqlSupportedSubqueries.SQL_SUBQUERIES_IN_COMPARISONS,
                        SqlSupportedSubqueries.SQL_SUBQUERIES_IN_EXISTS, SqlSupportedSubqueries.SQL_SUBQUERIES_IN_INS)
                .withSqlCorrelatedSubqueriesSupported(false)
                .withSqlSupportedUnions(SqlSupportedUnions.SQL_UNION, SqlSupportedUnions.SQL_UNION_ALL)
                .withSqlMaxBinaryLiteralLength(0)
                .withSqlMaxCharLiteralLength(0)
                .withSqlMaxColumnNameLength(ColumnDef.MAX_NAME_LENGTH)
                .withSqlMaxColumnsInGroupBy(0)
                .withSqlMaxColumnsInIndex(0)
                .withSqlMaxColumnsInOrderBy(0)
                .withSqlMaxColumnsInSelect(0)
                .withSqlMaxColumnsInTable(TableSchema.MAX_COLUMNS)
                .withSqlMaxConnections(0)
                .withSqlMaxCursorNameLength(0)
                .withSqlMaxIndexLength(0)
                .withSqlDbSchemaNameLength(CatalogMetadata.SCHEMA.length())
                .withSqlMaxProcedureNameLength(0)
                .withSqlMaxCatalogNameLength(0)
                .withSqlMaxRowSize(0)
                .withSqlMaxRowSizeIncludesBlobs(false)
                .withSqlMaxStatementLength(0)
                .withSqlMaxStatements(0)
                .withSqlMaxTableNameLength(ColumnDef.MAX_NAME_LENGTH)
                .withSqlMaxTablesInSelect(0)
                .withSqlMaxUsernameLength(0)
                .withSqlDefaultTransactionIsolation(Connection.TRANSACTION_NONE)
                .withSqlTransactionsSupported(false)
                .withSqlSupportedTransactionsIsolationLevels(new SqlTransactionIsolationLevel[0])
                .withSqlDataDefinitionCausesTransactionCommit(false)
                .withSqlDataDefinitionsInTransactionsIgnored(true)
                .withSqlSupportedResultSetTypes(SqlSupportedResultSetType.SQL_RESULT_SET_TYPE_FORWARD_ONLY)
                .withSqlBatchUpdatesSupported(false)
                .withSqlSavepointsSupported(false)
                .withSqlNamedParametersSupported(false)
                .withSqlLocatorsUpdateCopy(false)
                .withSqlStoredFunctionsUsingCallSyntaxSupported(false);
    }

    static List<String> keywords() {
        return List.of(KEYWORDS);
    }
}
