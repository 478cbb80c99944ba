package io.quiver.query.exec;

import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Fn;
import io.quiver.storage.ColumnType;
import io.quiver.storage.vector.ColumnVector;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code x IN (c1, c2, ...)} over constants: a hash set probe per row. SQL semantics: TRUE on a
 * match, otherwise NULL when x is NULL or the list holds a NULL, otherwise FALSE.
 */
final class InList extends VecExpr {
    private final VecExpr value;
    private final Set<Long> longs = new HashSet<>();
    private final Set<Long> doubles = new HashSet<>();
    private final Set<ByteBuffer> strings = new HashSet<>();
    private final boolean listHasNull;
    private final long[] sortedLongs;

    private InList(VecExpr value, List<Object> constants) {
        super(ColumnType.BOOLEAN);
        this.value = value;
        boolean hasNull = false;
        for (Object c : constants) {
            switch (c) {
                case null -> hasNull = true;
                case Long l -> longs.add(l);
                case Double d -> doubles.add(Values.normalizedBits(d));
                case String s -> strings.add(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
                default -> throw new IllegalArgumentException("constant " + c);
            }
        }
        this.listHasNull = hasNull;
        this.sortedLongs = longs.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    static VecExpr of(Expr.Call c) {
        List<Object> constants = new ArrayList<>();
        boolean allConst = true;
        for (int i = 1; i < c.args().size(); i++) {
            if (c.arg(i) instanceof Expr.Lit l) {
                constants.add(l.value());
            } else {
                allConst = false;
            }
        }
        if (allConst) {
            return new InList(ExprCompiler.compile(c.arg(0)), constants);
        }
        Expr or = null;
        for (int i = 1; i < c.args().size(); i++) {
            Expr eq = new Expr.Call(Fn.EQ, List.of(c.arg(0), c.arg(i)), ColumnType.BOOLEAN);
            or = or == null ? eq : new Expr.Call(Fn.OR, List.of(or, eq), ColumnType.BOOLEAN);
        }
        return ExprCompiler.compile(or);
    }

    @Override
    public ColumnVector eval(Batch b, int[] idx, int n) {
        ColumnVector v = value.eval(b, idx, n);
        ColumnVector o = out(b.size);
        boolean any = false;
        ByteBuffer probe = null;
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            if (v.nulls[i]) {
                o.nulls[i] = true;
                o.longs[i] = 0;
                any = true;
                continue;
            }
            boolean hit = switch (v.type().physical()) {
                case LONG -> sortedLongs.length <= 8 ? linear(v.longs[i]) : java.util.Arrays.binarySearch(sortedLongs, v.longs[i]) >= 0;
                case DOUBLE -> doubles.contains(Values.normalizedBits(v.doubles[i]));
                case BYTES -> {
                    probe = ByteBuffer.wrap(v.bytes, v.offsets[i], v.offsets[i + 1] - v.offsets[i]);
                    yield strings.contains(probe);
                }
            };
            if (!hit && listHasNull) {
                o.nulls[i] = true;
                o.longs[i] = 0;
                any = true;
            } else {
                o.nulls[i] = false;
                o.longs[i] = hit ? 1 : 0;
            }
        }
        o.hasNulls = any;
        return o;
    }

    private boolean linear(long x) {
        for (long s : sortedLongs) {
            if (s == x) {
                return true;
            }
        }
        return false;
    }
}
