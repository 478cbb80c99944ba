package io.quiver.query.exec;

import io.quiver.query.ErrorCode;
import io.quiver.query.QueryException;
import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Field;
import io.quiver.query.plan.JoinType;
import io.quiver.storage.ColumnType;
import io.quiver.storage.scan.DictionaryRows;
import io.quiver.storage.vector.ColumnVector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Hash join. The build input is run to completion (in parallel, into per-thread row stores that are
 * then concatenated) and indexed by key hash in chained arrays; the probe input then streams through
 * on all workers, each looking up its rows in the shared read-only table. Pairs are gathered into
 * output batches, where a residual (non-equi) condition is applied. NULL keys never match. INNER,
 * LEFT, SEMI and ANTI joins build on whichever input is estimated smaller. When the preserved (left)
 * side of a LEFT/SEMI/ANTI join is the build side, probing marks the build rows that found a match
 * (a benign race: every write stores true, and the probe phase ends before the flags are read), and
 * the rows the join type keeps are emitted from the build side once every probe has finished.
 */
final class HashJoinOp extends PhysicalOp {
    private final JoinType type;
    private final boolean buildLeft;
    private final List<Expr> probeKeys;
    private final List<Expr> buildKeys;
    private final Expr residual;
    private final List<Field> leftFields;
    private final List<Field> rightFields;
    private final List<Field> outFields;

    /** Columns of left fields followed by right fields that anyone reads; the others stay null vectors. */
    private final BitSet gathered;
    /** LEFT/SEMI/ANTI with the preserved left side built: outer rows are decided after the probe. */
    private final boolean buildPreserved;

    /** Children: probe first, then build. */
    HashJoinOp(PhysicalOp left, PhysicalOp right, JoinType type, boolean buildLeft, List<Expr> leftKeys, List<Expr> rightKeys,
               Expr residual, List<Field> leftFields, List<Field> rightFields, List<Field> outFields, BitSet gathered) {
        super(buildLeft ? List.of(right, left) : List.of(left, right));
        this.type = type;
        this.buildLeft = buildLeft;
        this.probeKeys = buildLeft ? rightKeys : leftKeys;
        this.buildKeys = buildLeft ? leftKeys : rightKeys;
        this.residual = residual;
        this.leftFields = leftFields;
        this.rightFields = rightFields;
        this.outFields = outFields;
        this.gathered = gathered;
        this.buildPreserved = buildLeft && (type == JoinType.LEFT || type == JoinType.SEMI || type == JoinType.ANTI);
        if (buildLeft && !(type == JoinType.INNER || buildPreserved) || buildPreserved && leftKeys.isEmpty()) {
            throw new IllegalArgumentException("cannot build the left side of a " + type + " join" + (leftKeys.isEmpty() ? " without keys" : ""));
        }
    }

    /** The built side: rows, their key vectors and hash chains. */
    private static final class Table {
        RowStore rows;
        ColumnVector[] keys;
        int[] heads;
        int[] next;
        int mask;
        boolean anyNullKey;
        int size;
        /** Build rows that matched some probe row (only when the build side is the preserved side). */
        boolean[] matched;
        /** No two build rows share a key: each probe row matches at most one. */
        boolean uniqueKeys = true;
        /**
         * For one unique integer key over a small range: build row of key {@code directMin + i} at
         * {@code direct[i]} (-1 none), so a probe is an array load instead of a hash and a chain walk.
         */
        int[] direct;
        long directMin;
    }

    /**
     * Build sides up to this many rows gather their strings as dictionary codes: kernels and GROUP BY
     * above work per dictionary entry, which pays only while the dictionary is no larger than a batch.
     */
    private static final int DICTIONARY_GATHER_MAX_ROWS = Batch.MAX_ROWS;

    /** Direct (array-indexed) lookup when the key range is at most this many slots, or 4 per build row. */
    private static final int DIRECT_MIN_SLOTS = 1 << 16;

    @Override
    protected void execute(ExecContext ctx, Sink.Factory down) {
        Table t = build(ctx);
        if (type == JoinType.SINGLE && t.size > 1) {
            throw new QueryException(ErrorCode.CARDINALITY_VIOLATION, "more than one row returned by a subquery used as an expression");
        }
        if (type == JoinType.ANTI_NULL_AWARE && t.anyNullKey) {
            Sink s = down.create(); // x NOT IN (..., NULL, ...) is never TRUE
            s.finish();
            t.rows.release();
            return;
        }
        if (buildPreserved) {
            t.matched = new boolean[t.size];
            ctx.query().reserve(t.size);
        }
        children.get(0).run(ctx, () -> new Prober(t, down.create()));
        if (buildPreserved) {
            emitPreserved(t, ctx, down);
            ctx.query().release(t.size);
        }
        t.rows.release();
    }

    /** After the probe: LEFT emits unmatched build rows padded with NULLs, SEMI the matched ones, ANTI the others. */
    private void emitPreserved(Table t, ExecContext ctx, Sink.Factory down) {
        boolean keepMatched = type == JoinType.SEMI;
        int lw = leftFields.size();
        ColumnVector[] cols = new ColumnVector[outFields.size()];
        for (int c = 0; c < cols.length; c++) {
            cols[c] = new ColumnVector(outFields.get(c).type(), Batch.MAX_ROWS);
        }
        ColumnVector[] leftCols = Arrays.copyOf(cols, lw);
        Sink sink = down.create();
        Batch out = new Batch(cols, 0);
        int[] rows = new int[Batch.MAX_ROWS];
        int n = 0;
        for (int r = 0; r <= t.size; r++) {
            if (r < t.size && t.matched[r] == keepMatched) {
                rows[n++] = r;
            }
            if (n == Batch.MAX_ROWS || (r == t.size && n > 0)) {
                t.rows.gather(rows, 0, n, leftCols);
                for (int c = lw; c < cols.length; c++) {
                    cols[c].reset(n);
                    for (int k = 0; k < n; k++) {
                        cols[c].appendNull();
                    }
                }
                ColumnVector[] view = cols.clone();
                for (int c = 0; c < view.length; c++) {
                    if (!gathered.get(c)) {
                        view[c] = null;
                    }
                }
                out.set(view, n);
                sink.accept(out);
                ctx.checkAlive();
                n = 0;
            }
        }
        sink.finish();
    }

    private Table build(ExecContext ctx) {
        List<Field> buildFields = buildLeft ? leftFields : rightFields;
        List<ColumnType> types = buildFields.stream().map(Field::type).toList();
        List<RowStore> stores = new ArrayList<>();
        children.get(1).run(ctx, () -> {
            RowStore store = new RowStore(types, ctx.query());
            return new Sink() {
                @Override
                public void accept(Batch b) {
                    store.append(b, null);
                }

                @Override
                public void finish() {
                    synchronized (stores) {
                        stores.add(store);
                    }
                }
            };
        });
        Table t = new Table();
        RowStore all = stores.isEmpty() ? new RowStore(types, ctx.query()) : stores.get(0);
        for (int i = 1; i < stores.size(); i++) {
            RowStore s = stores.get(i);
            for (int r = 0; r < s.size(); r++) {
                all.appendRow(s, r);
            }
            all.account();
            s.release();
        }
        t.rows = all;
        int n = all.size();
        t.size = n;
        Batch whole = new Batch(all.cols, n);
        t.keys = new ColumnVector[buildKeys.size()];
        for (int k = 0; k < t.keys.length; k++) {
            t.keys[k] = ExprCompiler.compile(buildKeys.get(k)).eval(whole, Batch.identity(n), n);
        }
        int cap = Integer.highestOneBit(Math.max(2, n) * 2 - 1) << 1;
        ctx.query().reserve(cap * 4L + n * 4L);
        t.heads = new int[cap];
        Arrays.fill(t.heads, -1);
        t.next = new int[n];
        t.mask = cap - 1;
        for (int r = n - 1; r >= 0; r--) {
            if (nullKey(t.keys, r)) {
                t.anyNullKey = true;
                continue;
            }
            int h = (int) hash(t.keys, r) & t.mask;
            for (int o = t.heads[h]; o >= 0 && t.uniqueKeys; o = t.next[o]) {
                if (sameBuildKey(t.keys, o, r)) {
                    t.uniqueKeys = false;
                }
            }
            t.next[r] = t.heads[h];
            t.heads[h] = r;
        }
        if (t.uniqueKeys && t.keys.length == 1 && t.keys[0].type().isLongPhysical() && n > 0) {
            buildDirect(t, ctx);
        }
        ctx.checkAlive();
        return t;
    }

    /** Indexes a unique integer key by value when its range is small (dimension tables keyed 1..n). */
    private static void buildDirect(Table t, ExecContext ctx) {
        ColumnVector k = t.keys[0];
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int r = 0; r < t.size; r++) {
            if (!k.nulls[r]) {
                min = Math.min(min, k.longs[r]);
                max = Math.max(max, k.longs[r]);
            }
        }
        if (min > max) {
            return; // every key is NULL
        }
        long range = max - min + 1;
        if (range <= 0 || range > Math.max(DIRECT_MIN_SLOTS, 4L * t.size)) {
            return;
        }
        ctx.query().reserve(range * 4L);
        int[] direct = new int[(int) range];
        Arrays.fill(direct, -1);
        for (int r = 0; r < t.size; r++) {
            if (!k.nulls[r]) {
                direct[(int) (k.longs[r] - min)] = r;
            }
        }
        t.direct = direct;
        t.directMin = min;
    }

    private static boolean sameBuildKey(ColumnVector[] keys, int a, int b) {
        for (ColumnVector k : keys) {
            if (!Values.equal(k, a, k, b)) {
                return false;
            }
        }
        return true;
    }

    private static boolean nullKey(ColumnVector[] keys, int r) {
        for (ColumnVector k : keys) {
            if (k.nulls[r]) {
                return true;
            }
        }
        return false;
    }

    private static long hash(ColumnVector[] keys, int r) {
        long h = 0;
        for (ColumnVector k : keys) {
            h = h * 31 + Values.hash(k, r);
        }
        return Values.mix(h);
    }

    /** One worker's probe side. */
    private final class Prober implements Sink {
        private final Table t;
        private final Sink next;
        private final List<VecExpr> keyExprs = ExprCompiler.compileAll(probeKeys);
        private final ColumnVector[] keys = new ColumnVector[probeKeys.size()];
        private final VecExpr residualExpr = residual == null ? null : ExprCompiler.compile(residual);
        private final int[] pairProbe = new int[Batch.MAX_ROWS];
        private final int[] pairBuild = new int[Batch.MAX_ROWS];
        private final ColumnVector[] pairCols;
        /** pairCols with null for columns nobody reads: what leaves in the pair batch. */
        private final ColumnVector[] pairView;
        private final Batch pairBatch;
        private boolean[] matched = new boolean[Batch.MAX_ROWS];
        private int[] selBuf = new int[Batch.MAX_ROWS];
        private int pairs;

        Prober(Table t, Sink next) {
            this.t = t;
            this.next = next;
            List<Field> all = new ArrayList<>(leftFields);
            all.addAll(rightFields);
            pairCols = new ColumnVector[all.size()];
            for (int c = 0; c < pairCols.length; c++) {
                pairCols[c] = new ColumnVector(all.get(c).type(), Batch.MAX_ROWS);
            }
            pairView = pairCols.clone();
            pairBatch = new Batch(pairView, 0);
        }

        @Override
        public void accept(Batch b) {
            int n = b.count;
            int[] idx = b.positions();
            if (matched.length < b.size) {
                matched = new boolean[b.size];
            }
            for (int k = 0; k < n; k++) {
                matched[idx[k]] = false;
            }
            if (type == JoinType.SINGLE) {
                for (int k = 0; k < n; k++) {
                    addPair(b, idx[k], t.size == 0 ? -1 : 0);
                }
                flush(b);
                return;
            }
            for (int c = 0; c < keys.length; c++) {
                keys[c] = keyExprs.get(c).eval(b, idx, n);
            }
            if (type == JoinType.INNER && !buildLeft && t.uniqueKeys && residualExpr == null && keys.length > 0) {
                passThrough(b, idx, n);
                return;
            }
            boolean semiLike = type == JoinType.SEMI || type == JoinType.ANTI || type == JoinType.ANTI_NULL_AWARE;
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                if (nullKey(keys, i)) {
                    continue;
                }
                int h = (int) hash(keys, i) & t.mask;
                for (int r = t.heads[h]; r >= 0; r = t.next[r]) {
                    if (!sameKey(i, r)) {
                        continue;
                    }
                    if (semiLike && residualExpr == null) {
                        if (buildPreserved) {
                            t.matched[r] = true;
                            continue;
                        }
                        matched[i] = true;
                        break;
                    }
                    addPair(b, i, r);
                    if (pairs == Batch.MAX_ROWS) {
                        flush(b);
                    }
                }
            }
            flush(b);
            if (!buildPreserved) {
                finishProbeBatch(b, idx, n);
            }
        }

        private int[] passSel = new int[Batch.MAX_ROWS];
        private int[] passMatch = new int[Batch.MAX_ROWS];
        private final Batch passBatch = new Batch(new ColumnVector[0], 0);

        /**
         * INNER join on a build side with unique keys (a fact table probing a dimension): each probe
         * row matches at most once, so the probe columns pass through as they are, under a selection
         * of the matched rows, and only the build columns someone reads are gathered, aligned with them.
         */
        private void passThrough(Batch b, int[] idx, int n) {
            if (passMatch.length < b.size) {
                passMatch = new int[b.size];
            }
            if (passSel.length < n) {
                passSel = new int[n];
            }
            int m = t.direct != null && keys[0].type().isLongPhysical() ? probeDirect(idx, n) : 0;
            if (t.direct == null || !keys[0].type().isLongPhysical()) {
                for (int k = 0; k < n; k++) {
                    int i = idx[k];
                    if (nullKey(keys, i)) {
                        continue;
                    }
                    int h = (int) hash(keys, i) & t.mask;
                    for (int r = t.heads[h]; r >= 0; r = t.next[r]) {
                        if (sameKey(i, r)) {
                            passSel[m++] = i;
                            passMatch[i] = r;
                            break;
                        }
                    }
                }
            }
            if (m == 0) {
                return;
            }
            int lw = leftFields.size();
            int width = outFields.size();
            ColumnVector[] view = passBatch.cols.length == width ? passBatch.cols : new ColumnVector[width];
            for (int c = 0; c < width; c++) {
                if (!gathered.get(c)) {
                    view[c] = null;
                } else if (c < lw) {
                    view[c] = b.cols[c];
                } else if (t.size <= DICTIONARY_GATHER_MAX_ROWS && t.rows.cols[c - lw].type() == ColumnType.VARCHAR
                        && !t.rows.cols[c - lw].hasNulls) {
                    view[c] = gatherAsDictionary(t.rows.cols[c - lw], pairCols[c], b.size, m);
                } else {
                    ColumnVector src = t.rows.cols[c - lw];
                    ColumnVector dst = pairCols[c];
                    dst.reset(b.size);
                    int next = 0;
                    for (int j = 0; j < b.size; j++) {
                        if (next < m && passSel[next] == j) {
                            dst.appendFrom(src, passMatch[j]);
                            next++;
                        } else {
                            dst.appendNull(); // not a live row
                        }
                    }
                    view[c] = dst;
                }
            }
            passBatch.set(view, b.size);
            passBatch.sel = passSel;
            passBatch.count = m;
            next.accept(passBatch);
        }

        /** The unique-key probe by array index; fills passSel/passMatch and returns the matches. */
        private int probeDirect(int[] idx, int n) {
            ColumnVector key = keys[0];
            long[] v = key.longs;
            boolean[] nulls = key.nulls;
            boolean anyNull = key.hasNulls;
            int[] direct = t.direct;
            long min = t.directMin;
            int m = 0;
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                long off = v[i] - min;
                if (off < 0 || off >= direct.length || anyNull && nulls[i]) {
                    continue;
                }
                int r = direct[(int) off];
                passSel[m] = i;
                passMatch[i] = r;
                m += r >= 0 ? 1 : 0;
            }
            return m;
        }

        /**
         * A build-side string column aligned with the probe batch, as dictionary codes (the build row)
         * over the build column: kernels and GROUP BY above then work per build row, not per probe row.
         * The strings are written for the live rows too, as every VARCHAR vector must carry them.
         */
        private ColumnVector gatherAsDictionary(ColumnVector src, ColumnVector dst, int size, int m) {
            dst.reset(size);
            if (dictCodes.length < size) {
                dictCodes = new int[Math.max(size, Batch.MAX_ROWS)];
            }
            int[] codes = dictCodes;
            Arrays.fill(codes, 0, size, -1);
            Arrays.fill(dst.nulls, 0, size, true);
            for (int k = 0; k < m; k++) {
                int i = passSel[k];
                codes[i] = passMatch[i];
                dst.nulls[i] = false;
            }
            dst.hasNulls = m < size;
            dst.dictCodes = codes;
            dst.dictionary = src;
            DictionaryRows.materializeSelected(dst, size, passSel, m);
            dst.setSize(size);
            return dst;
        }

        private int[] dictCodes = new int[Batch.MAX_ROWS];

        private boolean sameKey(int probeRow, int buildRow) {
            for (int c = 0; c < keys.length; c++) {
                if (!Values.equal(keys[c], probeRow, t.keys[c], buildRow)) {
                    return false;
                }
            }
            return true;
        }

        private void addPair(Batch b, int probeRow, int buildRow) {
            pairProbe[pairs] = probeRow;
            pairBuild[pairs] = buildRow;
            pairs++;
            if (pairs == Batch.MAX_ROWS && type == JoinType.SINGLE) {
                flush(b);
            }
        }

        /** Gathers the pending pairs into the pair batch, applies the residual, emits or marks. */
        private void flush(Batch probe) {
            if (pairs == 0) {
                return;
            }
            int lw = leftFields.size();
            int rw = rightFields.size();
            for (int c = 0; c < lw + rw; c++) {
                if (!gathered.get(c)) {
                    pairView[c] = null; // nobody reads it: no per-row copy
                    continue;
                }
                boolean fromLeft = c < lw;
                boolean fromProbe = fromLeft != buildLeft;
                int col = fromLeft ? c : c - lw;
                ColumnVector dst = pairCols[c];
                pairView[c] = dst;
                dst.reset(pairs);
                if (fromProbe) {
                    ColumnVector src = probe.cols[col];
                    if (src == null) {
                        for (int k = 0; k < pairs; k++) {
                            dst.appendNull();
                        }
                        continue;
                    }
                    for (int k = 0; k < pairs; k++) {
                        dst.appendFrom(src, pairProbe[k]);
                    }
                } else {
                    ColumnVector src = t.rows.cols[col];
                    for (int k = 0; k < pairs; k++) {
                        int r = pairBuild[k];
                        if (r < 0) {
                            dst.appendNull();
                        } else {
                            dst.appendFrom(src, r);
                        }
                    }
                }
            }
            pairBatch.set(pairView, pairs);
            if (residualExpr != null && type != JoinType.SINGLE) {
                selBuf = select(pairBatch, residualExpr, selBuf);
            }
            int[] live = pairBatch.positions();
            if (buildPreserved) {
                for (int k = 0; k < pairBatch.count; k++) {
                    t.matched[pairBuild[live[k]]] = true;
                }
                if (type != JoinType.LEFT) {
                    pairs = 0;
                    return;
                }
            } else {
                for (int k = 0; k < pairBatch.count; k++) {
                    matched[pairProbe[live[k]]] = true;
                }
            }
            if ((type == JoinType.INNER || type == JoinType.LEFT || type == JoinType.SINGLE) && pairBatch.count > 0) {
                emit(pairBatch);
            }
            pairs = 0;
        }

        private void emit(Batch pair) {
            if (outFields.size() == pair.cols.length) {
                next.accept(pair);
                return;
            }
            Batch out = new Batch(Arrays.copyOf(pair.cols, outFields.size()), pair.size);
            out.sel = pair.sel;
            out.count = pair.count;
            next.accept(out);
        }

        private void finishProbeBatch(Batch b, int[] idx, int n) {
            switch (type) {
                case LEFT -> {
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        if (!matched[i]) {
                            addPair(b, i, -1);
                            if (pairs == Batch.MAX_ROWS) {
                                flushUnmatched(b);
                            }
                        }
                    }
                    flushUnmatched(b);
                }
                case SEMI, ANTI, ANTI_NULL_AWARE -> {
                    boolean want = type == JoinType.SEMI;
                    int m = 0;
                    int[] sel = new int[n];
                    for (int k = 0; k < n; k++) {
                        int i = idx[k];
                        boolean hit = matched[i];
                        if (type == JoinType.ANTI_NULL_AWARE && !hit && t.size > 0 && nullKey(keys, i)) {
                            continue; // NULL NOT IN (non-empty set) is NULL
                        }
                        if (type == JoinType.ANTI && probeKeys.isEmpty() && residualExpr == null) {
                            hit = t.size > 0;
                        }
                        if (type == JoinType.SEMI && probeKeys.isEmpty() && residualExpr == null) {
                            hit = t.size > 0;
                        }
                        if (hit == want) {
                            sel[m++] = i;
                        }
                    }
                    if (m > 0) {
                        int[] oldSel = b.sel;
                        int oldCount = b.count;
                        b.sel = sel;
                        b.count = m;
                        next.accept(b);
                        b.sel = oldSel;
                        b.count = oldCount;
                    }
                }
                default -> { }
            }
        }

        /** Emits probe rows without a match, the build columns NULL (no residual applies). */
        private void flushUnmatched(Batch probe) {
            Expr.Lit none = null;
            VecExpr saved = null;
            if (pairs == 0) {
                return;
            }
            // Temporarily disable the residual: these rows are padded, not matched.
            int n = pairs;
            int lw = leftFields.size();
            int rw = rightFields.size();
            for (int c = 0; c < lw + rw; c++) {
                if (!gathered.get(c)) {
                    pairView[c] = null;
                    continue;
                }
                ColumnVector dst = pairCols[c];
                pairView[c] = dst;
                dst.reset(n);
                boolean fromProbe = c < lw;
                ColumnVector src = fromProbe ? probe.cols[c] : null;
                for (int k = 0; k < n; k++) {
                    if (src == null) {
                        dst.appendNull();
                    } else {
                        dst.appendFrom(src, pairProbe[k]);
                    }
                }
            }
            pairBatch.set(pairView, n);
            emit(pairBatch);
            pairs = 0;
        }

        @Override
        public void finish() {
            next.finish();
        }
    }

    @Override
    public String describe() {
        List<Field> probeFields = buildLeft ? rightFields : leftFields;
        List<Field> bFields = buildLeft ? leftFields : rightFields;
        StringBuilder b = new StringBuilder("HashJoin ").append(type).append(buildLeft ? " build=left" : " build=right").append(" on [");
        for (int i = 0; i < probeKeys.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(ExplainText.expr(probeKeys.get(i), probeFields)).append(" = ")
                    .append(ExplainText.expr(buildKeys.get(i), bFields));
        }
        b.append(']');
        if (residual != null) {
            List<Field> all = new ArrayList<>(leftFields);
            all.addAll(rightFields);
            b.append(" residual=").append(ExplainText.expr(residual, all));
        }
        return b.toString();
    }
}
