package io.quiver.query.parse;

import io.quiver.query.ErrorCode;
import io.quiver.query.QueryException;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlDescribeTable;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.babel.postgres.SqlShow;
import org.apache.calcite.sql.ddl.SqlColumnDeclaration;
import org.apache.calcite.sql.ddl.SqlCreateTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns SQL text into a {@link Statement} with Calcite's Babel parser. Babel parses every query,
 * INSERT, DELETE, CREATE TABLE column lists, SHOW and DESCRIBE; the few statement heads it lacks ({@code
 * EXPLAIN [ANALYZE]}, {@code DROP TABLE}, {@code ALTER TABLE ... ADD COLUMN} and the {@code WITH
 * (...)} options of CREATE TABLE) are recognised here by their leading keywords. Those parts are
 * blanked with spaces, never cut out, so Calcite's line/column positions still point into the
 * original text.
 */
public final class SqlFrontEnd {
    private static final SqlParser.Config CONFIG = SqlParser.config()
            .withParserFactory(SqlBabelParserImpl.FACTORY)
            .withQuoting(Quoting.DOUBLE_QUOTE)
            .withUnquotedCasing(Casing.UNCHANGED)
            .withQuotedCasing(Casing.UNCHANGED)
            .withCaseSensitive(false)
            .withIdentifierMaxLength(ColumnDef.MAX_NAME_LENGTH)
            .withConformance(SqlConformanceEnum.BABEL);

    private SqlFrontEnd() {
    }

    public static Statement parse(String sql) {
        Words w = new Words(sql);
        String first = w.peekWord(0);
        switch (first) {
            case "explain" -> {
                boolean analyze = w.peekWord(1).equals("analyze");
                if (!analyze && w.peekWord(1).equals("plan")) {
                    break; // EXPLAIN PLAN FOR: Calcite's own syntax, handled below
                }
                String rest = w.blankWords(analyze ? 2 : 1);
                Statement inner = parse(rest);
                if (!(inner instanceof Statement.Query q)) {
                    throw QueryException.unsupported("EXPLAIN of a statement other than a query");
                }
                return new Statement.Explain(q, analyze);
            }
            case "drop" -> {
                w.expect(1, "table");
                boolean ifExists = w.peekWord(2).equals("if") && w.peekWord(3).equals("exists");
                String name = w.identifier(ifExists ? 4 : 2);
                w.expectEnd(ifExists ? 5 : 3);
                return new Statement.DropTable(name, ifExists);
            }
            case "alter" -> {
                w.expect(1, "table");
                String table = w.identifier(2);
                w.expect(3, "add");
                int i = w.peekWord(4).equals("column") ? 5 : 4;
                String column = w.identifier(i);
                ColumnType type = parseType(w.rawWord(i + 1), w, i + 1);
                w.expectEnd(i + 2);
                return new Statement.AddColumn(table, columnDef(column, type));
            }
            case "create" -> {
                if (w.peekWord(1).equals("table")) {
                    return createTable(sql);
                }
            }
            default -> { }
        }
        SqlNode node = parseCalcite(sql);
        return fromCalcite(node);
    }

    private static Statement fromCalcite(SqlNode node) {
        if (node instanceof SqlInsert insert) {
            return new Statement.Insert(insert);
        }
        if (node instanceof SqlDelete delete) {
            return new Statement.Delete(delete);
        }
        if (node instanceof SqlShow show) {
            String what = show.getName().toString().toLowerCase(Locale.ROOT);
            if (what.equals("tables")) {
                return new Statement.ShowTables();
            }
            throw QueryException.unsupported("SHOW " + what);
        }
        if (node instanceof SqlDescribeTable d) {
            SqlParserPos p = d.getTable().getParserPosition();
            return new Statement.Describe(String.join(".", d.getTable().names), p.getLineNum(), p.getColumnNum());
        }
        if (node instanceof SqlExplain e) {
            return new Statement.Explain(new Statement.Query(e.getExplicandum()), false);
        }
        if (node.getKind().belongsTo(SqlKind.QUERY) || node.getKind() == SqlKind.ORDER_BY || node.getKind() == SqlKind.WITH
                || node.getKind() == SqlKind.VALUES) {
            return new Statement.Query(node);
        }
        throw QueryException.unsupported("statement " + node.getKind());
    }

    public static SqlNode parseCalcite(String sql) {
        try {
            String text = PgIntervals.rewrite(sql);
            return InfixCasts.fix(SqlParser.create(text, CONFIG).parseStmt(), text);
        } catch (SqlParseException e) {
            SqlParserPos pos = e.getPos();
            String msg = e.getMessage() == null ? "syntax error" : e.getMessage().split("\n")[0];
            msg = msg.replaceAll(" at line \\d+, column \\d+\\.?", "");
            int line = pos == null ? 0 : pos.getLineNum();
            int col = pos == null ? 0 : pos.getColumnNum();
            if (msg.startsWith("Non-query expression encountered in illegal context")) {
                // Calcite's words for a statement that starts with no keyword it knows (SELEC 1)
                msg = "at or near \"" + wordAt(sql, line, col) + "\": a statement starts with SELECT, WITH, VALUES, INSERT, "
                        + "DELETE, CREATE TABLE, DROP TABLE, ALTER TABLE, SHOW TABLES, DESCRIBE or EXPLAIN";
            }
            throw QueryException.at(ErrorCode.SYNTAX_ERROR, "syntax error: " + msg, line, col);
        }
    }

    /** The word (or one character) at a 1-based line and column of {@code sql}, for error messages. */
    static String wordAt(String sql, int line, int col) {
        String[] lines = sql.split("\n", -1);
        if (line < 1 || line > lines.length || col < 1 || col > lines[line - 1].length()) {
            return "";
        }
        String l = lines[line - 1];
        int start = col - 1;
        int end = start;
        while (end < l.length() && (Character.isLetterOrDigit(l.charAt(end)) || l.charAt(end) == '_')) {
            end++;
        }
        return end == start ? l.substring(start, start + 1) : l.substring(start, Math.min(end, start + 40));
    }

    private static Statement createTable(String sql) {
        Words w = new Words(sql);
        // The column list is the first parenthesised group; options follow it as WITH ( ... ).
        int open = sql.indexOf('(');
        int close = open < 0 ? -1 : w.matchingParen(open);
        Map<String, String> options = new LinkedHashMap<>();
        String body = sql;
        if (close > 0) {
            int after = w.skipBlank(close + 1);
            if (after < sql.length() && sql.regionMatches(true, after, "with", 0, 4)) {
                int optOpen = w.skipBlank(after + 4);
                if (optOpen >= sql.length() || sql.charAt(optOpen) != '(') {
                    throw w.error("expected '(' after WITH", optOpen);
                }
                int optClose = w.matchingParen(optOpen);
                parseOptions(sql, optOpen + 1, optClose, options, w);
                body = Words.blank(sql, after, optClose + 1);
            }
        }
        SqlNode node = parseCalcite(body);
        if (!(node instanceof SqlCreateTable ct)) {
            throw QueryException.unsupported("CREATE " + node.getKind());
        }
        if (ct.query != null) {
            throw QueryException.unsupported("CREATE TABLE AS");
        }
        if (ct.columnList == null) {
            throw QueryException.at(ErrorCode.SYNTAX_ERROR, "CREATE TABLE needs a column list", 1, 1);
        }
        List<ColumnDef> cols = new ArrayList<>();
        for (SqlNode n : ct.columnList) {
            if (!(n instanceof SqlColumnDeclaration cd)) {
                throw QueryException.unsupported("table constraint " + n);
            }
            String typeName = cd.dataType.getTypeName().getSimple();
            ColumnType t;
            try {
                t = ColumnType.parse(typeName);
            } catch (StorageException e) {
                SqlParserPos p = cd.dataType.getParserPosition();
                throw QueryException.at(ErrorCode.SYNTAX_ERROR, "unknown type [type=" + typeName + ']', p.getLineNum(), p.getColumnNum());
            }
            cols.add(columnDef(cd.name.getSimple(), t));
        }
        SqlParserPos p = ct.name.getParserPosition();
        return new Statement.CreateTable(ct.name.getSimple(), ct.ifNotExists, cols, options, p.getLineNum(), p.getColumnNum());
    }

    private static ColumnDef columnDef(String name, ColumnType type) {
        try {
            return new ColumnDef(name, type);
        } catch (StorageException e) {
            throw new QueryException(ErrorCode.SYNTAX_ERROR, e.getMessage());
        }
    }

    /** {@code key = 'value' [, ...]} with keys case-insensitive. */
    private static void parseOptions(String sql, int from, int to, Map<String, String> out, Words w) {
        int i = from;
        while (true) {
            i = w.skipBlank(i);
            if (i >= to) {
                return;
            }
            int ks = i;
            while (i < to && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
                i++;
            }
            if (ks == i) {
                throw w.error("expected an option name", i);
            }
            String key = sql.substring(ks, i).toLowerCase(Locale.ROOT);
            i = w.skipBlank(i);
            if (i >= to || sql.charAt(i) != '=') {
                throw w.error("expected '=' after option " + key, i);
            }
            i = w.skipBlank(i + 1);
            String value;
            if (i < to && sql.charAt(i) == '\'') {
                int end = sql.indexOf('\'', i + 1);
                if (end < 0 || end > to) {
                    throw w.error("unterminated string", i);
                }
                value = sql.substring(i + 1, end);
                i = end + 1;
            } else {
                int vs = i;
                while (i < to && sql.charAt(i) != ',' && !Character.isWhitespace(sql.charAt(i))) {
                    i++;
                }
                value = sql.substring(vs, i);
            }
            out.put(key, value);
            i = w.skipBlank(i);
            if (i < to && sql.charAt(i) == ',') {
                i++;
            } else if (i < to) {
                throw w.error("expected ',' or ')'", i);
            }
        }
    }

    private static ColumnType parseType(String name, Words w, int wordIndex) {
        try {
            return ColumnType.parse(name);
        } catch (StorageException e) {
            throw w.error("unknown type [type=" + name + ']', w.wordStart(wordIndex));
        }
    }
}
