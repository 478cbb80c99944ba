package io.quiver.query.parse;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.parser.SqlParserPos;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Gives PostgreSQL's {@code ::} its precedence. Calcite's Babel parser makes {@code ::} bind looser
 * than every infix operator, so {@code v = '2'::bigint} arrives as {@code (v = '2')::bigint} and
 * {@code 5 / 2::double} as {@code (5 / 2)::double} (an integer division). In PostgreSQL {@code ::}
 * binds tighter than any operator. This pass moves such a cast down onto the operator's last
 * operand, unless the source text put parentheses around the whole operation ({@code (a = b)::int}
 * means what it says). Calcite drops parentheses from the tree, so the text decides: the
 * parenthesised group that ends just before {@code ::} must start at or before the operation.
 */
final class InfixCasts {
    private final String sql;
    private final int[] lineStarts;
    /** Operations a moved cast came out of: Calcite built what follows them around the cast, so they may need {@link #rotate}. */
    private final Set<SqlNode> exposed = Collections.newSetFromMap(new IdentityHashMap<>());

    private InfixCasts(String sql) {
        this.sql = sql;
        int lines = 1;
        for (int i = 0; i < sql.length(); i++) {
            if (sql.charAt(i) == '\n') {
                lines++;
            }
        }
        lineStarts = new int[lines];
        int l = 1;
        for (int i = 0; i < sql.length(); i++) {
            if (sql.charAt(i) == '\n') {
                lineStarts[l++] = i + 1;
            }
        }
    }

    /** Rewrites the tree in place where needed; returns the (possibly new) root. */
    static SqlNode fix(SqlNode root, String sql) {
        return new InfixCasts(sql).visit(root);
    }

    private SqlNode visit(SqlNode n) {
        if (n instanceof SqlNodeList list) {
            for (int i = 0; i < list.size(); i++) {
                SqlNode child = list.get(i);
                SqlNode fixed = child == null ? null : visit(child);
                if (fixed != child) {
                    list.set(i, fixed);
                }
            }
            return n;
        }
        if (!(n instanceof SqlCall call)) {
            return n;
        }
        for (int i = 0; i < call.operandCount(); i++) {
            SqlNode child = call.operand(i);
            SqlNode fixed = child == null ? null : visit(child);
            if (fixed != child) {
                call.setOperand(i, fixed);
            }
        }
        return call.getOperator() == SqlLibraryOperators.INFIX_CAST ? pushDown(call) : rotate(call);
    }

    /** (a op b)::T  ->  a op (b::T), and again inside b when b is itself an operation. */
    private SqlNode pushDown(SqlCall cast) {
        if (!(cast.operand(0) instanceof SqlCall inner)) {
            return cast;
        }
        int last = lastOperand(inner);
        if (last < 0 || parenthesised(inner)) {
            return cast;
        }
        inner.setOperand(last, pushDown(SqlLibraryOperators.INFIX_CAST.createCall(cast.getParserPosition(), inner.operand(last), cast.operand(1))));
        exposed.add(inner);
        return inner;
    }

    /**
     * Calcite applied the operators that follow {@code ::T} to the whole cast, e.g. {@code 7 - 2::int * 3}
     * arrives as {@code ((7 - 2)::int) * 3}. Once the cast moved down, an operation that binds
     * tighter than its exposed left operand takes that operand's last operand instead:
     * {@code (7 - 2::int) * 3  ->  7 - (2::int * 3)}.
     */
    private SqlNode rotate(SqlCall p) {
        if (p.getOperator().getSyntax() != SqlSyntax.BINARY || !(p.operand(0) instanceof SqlCall o) || !exposed.contains(o)) {
            return p;
        }
        int last = lastOperand(o);
        if (last < 0 || o.getOperator().getRightPrec() >= p.getOperator().getLeftPrec()) {
            return p;
        }
        p.setOperand(0, o.operand(last));
        o.setOperand(last, rotate(p));
        return o;
    }

    /** The operand a tighter-binding {@code ::} belongs to, or -1 when {@code ::} may stay outside this call. */
    private static int lastOperand(SqlCall c) {
        if (c.getOperator() == SqlLibraryOperators.INFIX_CAST) {
            return -1; // a::T1::T2 is already (a::T1)::T2
        }
        SqlSyntax syntax = c.getOperator().getSyntax();
        if (syntax == SqlSyntax.BINARY || syntax == SqlSyntax.PREFIX) {
            return c.operandCount() - 1;
        }
        return switch (c.getKind()) {
            case BETWEEN -> c.operandCount() - 1;
            case LIKE, SIMILAR -> c.operandCount() == 2 ? 1 : -1;
            default -> -1;
        };
    }

    /** Whether the source text has the whole operation inside parentheses that close just before its {@code ::}. */
    private boolean parenthesised(SqlCall inner) {
        SqlParserPos pos = inner.getParserPosition();
        int start = offset(pos.getLineNum(), pos.getColumnNum());
        int end = offset(pos.getEndLineNum(), pos.getEndColumnNum());
        if (start < 0 || end < 0) {
            return true; // no position: leave the tree as parsed
        }
        int colons = sql.indexOf("::", end);
        if (colons < 0) {
            return true;
        }
        int i = colons - 1;
        while (i > start && Character.isWhitespace(sql.charAt(i))) {
            i--;
        }
        if (sql.charAt(i) != ')') {
            return false;
        }
        // Calcite's position may or may not include the parentheses: compare where the group opens.
        int depth = 0;
        for (int j = i; j >= 0; j--) {
            char ch = sql.charAt(j);
            if (ch == ')') {
                depth++;
            } else if (ch == '(' && --depth == 0) {
                return j <= start;
            }
        }
        return true;
    }

    private int offset(int line, int column) {
        if (line < 1 || line > lineStarts.length || column < 1) {
            return -1;
        }
        return lineStarts[line - 1] + column - 1;
    }
}
