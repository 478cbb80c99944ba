package io.quiver.query.plan;

import io.quiver.query.ErrorCode;
import io.quiver.query.QueryException;
import io.quiver.storage.ColumnType;

/** Implicit type rules: numeric promotion, common types of comparisons and CASE branches. */
public final class Types {
    private Types() {
    }

    public static boolean isNumeric(ColumnType t) {
        return t == ColumnType.SMALLINT || t == ColumnType.INT || t == ColumnType.BIGINT || t == ColumnType.DOUBLE;
    }

    public static boolean isInteger(ColumnType t) {
        return t == ColumnType.SMALLINT || t == ColumnType.INT || t == ColumnType.BIGINT;
    }

    public static boolean isTemporal(ColumnType t) {
        return t == ColumnType.DATE || t == ColumnType.TIMESTAMP;
    }

    private static int rank(ColumnType t) {
        return switch (t) {
            case SMALLINT -> 1;
            case INT -> 2;
            case BIGINT -> 3;
            case DOUBLE -> 4;
            default -> 0;
        };
    }

    /** The type integer arithmetic of these operands produces (PostgreSQL: the wider operand). */
    public static ColumnType numericCommon(ColumnType a, ColumnType b) {
        return rank(a) >= rank(b) ? a : b;
    }

    public static boolean isNullLiteral(Expr e) {
        return e instanceof Expr.Lit l && l.value() == null;
    }

    public static boolean isStringLiteral(Expr e) {
        return e instanceof Expr.Lit l && l.value() instanceof String;
    }

    /**
     * The type two operands are compared (or unified) in, or null when they cannot be. A string
     * literal adopts the other side's type, as PostgreSQL's unknown-typed literals do.
     */
    public static ColumnType common(Expr a, Expr b) {
        ColumnType ta = a.type();
        ColumnType tb = b.type();
        if (isNullLiteral(a)) {
            return tb;
        }
        if (isNullLiteral(b) || ta == tb) {
            return ta;
        }
        if (isNumeric(ta) && isNumeric(tb)) {
            return numericCommon(ta, tb);
        }
        if (isTemporal(ta) && isTemporal(tb)) {
            return ColumnType.TIMESTAMP;
        }
        if (isStringLiteral(a) && tb != ColumnType.VARCHAR) {
            return tb;
        }
        if (isStringLiteral(b) && ta != ColumnType.VARCHAR) {
            return ta;
        }
        return null;
    }

    public static QueryException mismatch(String what, ColumnType a, ColumnType b) {
        return new QueryException(ErrorCode.TYPE_MISMATCH, "operator does not exist [operator=" + what + ", left=" + a + ", right=" + b + ']');
    }

    /** Whether an explicit CAST between the types is defined. */
    public static boolean castable(ColumnType from, ColumnType to) {
        if (from == to || from == ColumnType.VARCHAR || to == ColumnType.VARCHAR) {
            return true;
        }
        if (isNumeric(from) && isNumeric(to)) {
            return true;
        }
        if (isTemporal(from) && isTemporal(to)) {
            return true;
        }
        return (from == ColumnType.BOOLEAN && isInteger(to)) || (isInteger(from) && to == ColumnType.BOOLEAN);
    }
}
