package io.quiver.query.exec;

import io.quiver.query.QueryException;
import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Fn;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Filters pick their rows with {@link VecExpr#selectTrue}: conjunctions of integer compares against
 * constants decide each row in one pass. Checked against the verdict vector of {@link VecExpr#eval}
 * (three-valued logic) over columns with and without NULLs, on every row or a subset, and in place.
 */
class FilterSelectionTest {
    private static final Expr A = new Expr.Col(0, ColumnType.BIGINT);
    private static final Expr B = new Expr.Col(1, ColumnType.BIGINT);

    private static Expr cmp(Fn fn, Expr col, long c) {
        return new Expr.Call(fn, List.of(col, new Expr.Lit(c, ColumnType.BIGINT)), ColumnType.BOOLEAN);
    }

    private static Expr and(Expr l, Expr r) {
        return new Expr.Call(Fn.AND, List.of(l, r), ColumnType.BOOLEAN);
    }

    private static ColumnVector column(SplittableRandom r, int rows, boolean withNulls) {
        ColumnVector v = new ColumnVector(ColumnType.BIGINT, rows);
        for (int i = 0; i < rows; i++) {
            if (withNulls && r.nextInt(7) == 0) {
                v.appendNull();
            } else {
                v.appendLong(r.nextInt(6));
            }
        }
        return v;
    }

    /** TRUE rows per the verdict vector: the meaning selectTrue must keep. */
    private static int[] expected(Expr e, Batch b, int[] idx, int n) {
        ColumnVector v = ExprCompiler.compile(e).eval(b, idx, n);
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            if (!v.nulls[i] && v.longs[i] != 0) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void conjunctionsOfConstantComparesSelectExactlyTheTrueRows() {
        SplittableRandom r = new SplittableRandom(42);
        int rows = 3000;
        List<Expr> filters = new ArrayList<>();
        for (Fn fn : List.of(Fn.EQ, Fn.NE, Fn.LT, Fn.LE, Fn.GT, Fn.GE)) {
            filters.add(cmp(fn, A, 2));
            filters.add(and(cmp(fn, A, 3), cmp(Fn.GE, B, 1)));
            filters.add(and(cmp(Fn.NE, B, 4), and(cmp(fn, A, 1), cmp(Fn.LT, B, 5))));
        }
        for (boolean nullsA : new boolean[] {false, true}) {
            for (boolean nullsB : new boolean[] {false, true}) {
                Batch b = new Batch(new ColumnVector[] {column(r, rows, nullsA), column(r, rows, nullsB)}, rows);
                int[] subset = new int[rows];
                int m = 0;
                for (int i = 0; i < rows; i++) {
                    if (r.nextInt(3) != 0) {
                        subset[m++] = i;
                    }
                }
                for (Expr f : filters) {
                    VecExpr compiled = ExprCompiler.compile(f);
                    int[] out = new int[rows];
                    int all = compiled.selectTrue(b, Batch.identity(rows), rows, out);
                    assertArrayEquals(expected(f, b, Batch.identity(rows), rows), Arrays.copyOf(out, all), f + " " + nullsA + nullsB);
                    int some = compiled.selectTrue(b, subset, m, out);
                    assertArrayEquals(expected(f, b, subset, m), Arrays.copyOf(out, some), f + " subset");
                    int[] inPlace = Arrays.copyOf(subset, m);
                    int kept = compiled.selectTrue(b, inPlace, m, inPlace);
                    assertArrayEquals(expected(f, b, subset, m), Arrays.copyOf(inPlace, kept), f + " in place");
                }
            }
        }
    }

    @Test
    void theRightSideOfAndSeesNoRowTheLeftRejectsButStillSeesItsNullRows() {
        // a = 1 AND 10 / b > 1, where b = 0 only on rows with a = 0: no division by zero
        ColumnVector a = new ColumnVector(ColumnType.BIGINT, 4);
        ColumnVector b = new ColumnVector(ColumnType.BIGINT, 4);
        long[][] rows = {{1, 2}, {0, 0}, {1, 5}, {0, 0}};
        for (long[] row : rows) {
            a.appendLong(row[0]);
            b.appendLong(row[1]);
        }
        Expr ratio = new Expr.Call(Fn.DIV, List.of(new Expr.Lit(10L, ColumnType.BIGINT), B), ColumnType.BIGINT);
        Expr f = and(cmp(Fn.EQ, A, 1), new Expr.Call(Fn.GT, List.of(ratio, new Expr.Lit(1L, ColumnType.BIGINT)), ColumnType.BOOLEAN));
        Batch batch = new Batch(new ColumnVector[] {a, b}, 4);
        int[] out = new int[4];
        int n = ExprCompiler.compile(f).selectTrue(batch, Batch.identity(4), 4, out);
        assertArrayEquals(new int[] {0, 2}, Arrays.copyOf(out, n));

        // a NULL on the left is not decisive for AND: the right side is evaluated there, as eval does
        ColumnVector withNull = new ColumnVector(ColumnType.BIGINT, 4);
        withNull.appendLong(1);
        withNull.appendNull();
        withNull.appendLong(1);
        withNull.appendLong(0);
        Batch nullBatch = new Batch(new ColumnVector[] {withNull, b}, 4);
        assertThrows(QueryException.class, () -> ExprCompiler.compile(f).eval(nullBatch, Batch.identity(4), 4));
        assertThrows(QueryException.class, () -> ExprCompiler.compile(f).selectTrue(nullBatch, Batch.identity(4), 4, new int[4]));
    }
}
