package io.quiver.query.exec;

import io.quiver.query.plan.Expr;
import io.quiver.query.plan.Field;
import io.quiver.storage.vector.ColumnVector;

import java.util.List;

/** Streaming operators that transform each batch on the thread that produced it. */
final class StreamOps {
    private StreamOps() {
    }

    static final class FilterOp extends PhysicalOp {
        private final Expr condition;
        private final List<Field> fields;

        FilterOp(PhysicalOp child, Expr condition, List<Field> fields) {
            super(List.of(child));
            this.condition = condition;
            this.fields = fields;
        }

        @Override
        protected void execute(ExecContext ctx, Sink.Factory down) {
            children.get(0).run(ctx, () -> {
                Sink next = down.create();
                VecExpr cond = ExprCompiler.compile(condition);
                return new Sink() {
                    int[] buf;

                    @Override
                    public void accept(Batch b) {
                        int[] oldSel = b.sel;
                        int oldCount = b.count;
                        buf = select(b, cond, buf);
                        if (b.count > 0) {
                            next.accept(b);
                        }
                        b.sel = oldSel;
                        b.count = oldCount;
                    }

                    @Override
                    public void finish() {
                        next.finish();
                    }
                };
            });
        }

        @Override
        public String describe() {
            return "Filter " + ExplainText.expr(condition, fields);
        }
    }

    static final class ProjectOp extends PhysicalOp {
        private final List<Expr> exprs;
        private final List<Field> inFields;

        ProjectOp(PhysicalOp child, List<Expr> exprs, List<Field> inFields) {
            super(List.of(child));
            this.exprs = exprs;
            this.inFields = inFields;
        }

        @Override
        protected void execute(ExecContext ctx, Sink.Factory down) {
            children.get(0).run(ctx, () -> {
                Sink next = down.create();
                List<VecExpr> compiled = ExprCompiler.compileAll(exprs);
                ColumnVector[] outCols = new ColumnVector[compiled.size()];
                Batch out = new Batch(outCols, 0);
                VectorBudget budget = new VectorBudget(ctx.query());
                return new Sink() {
                    @Override
                    public void accept(Batch b) {
                        int[] idx = b.positions();
                        for (int c = 0; c < outCols.length; c++) {
                            outCols[c] = compiled.get(c).eval(b, idx, b.count);
                        }
                        budget.cover(outCols, null);
                        out.set(outCols, b.size);
                        out.sel = b.sel;
                        out.count = b.count;
                        next.accept(out);
                    }

                    @Override
                    public void finish() {
                        budget.close();
                        next.finish();
                    }
                };
            });
        }

        @Override
        public String describe() {
            StringBuilder b = new StringBuilder("Project ");
            for (int i = 0; i < exprs.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(ExplainText.expr(exprs.get(i), inFields));
            }
            return b.toString();
        }
    }

    /** OFFSET / LIMIT: a shared row counter; once enough rows passed, the input scope is stopped. */
    static final class LimitOp extends PhysicalOp {
        private final long limit;
        private final long offset;

        LimitOp(PhysicalOp child, long limit, long offset) {
            super(List.of(child));
            this.limit = limit;
            this.offset = offset;
        }

        @Override
        protected void execute(ExecContext ctx, Sink.Factory down) {
            ExecContext scope = ctx.child();
            long end = limit < 0 ? Long.MAX_VALUE : offset + limit;
            long[] seen = {0};
            if (end == 0) {
                Sink s = down.create();
                s.finish();
                return;
            }
            children.get(0).run(scope, () -> {
                Sink next = down.create();
                return new Sink() {
                    int[] buf = new int[Batch.MAX_ROWS];

                    @Override
                    public void accept(Batch b) {
                        long start;
                        synchronized (seen) {
                            start = seen[0];
                            seen[0] += b.count;
                        }
                        if (start >= end) {
                            scope.stop();
                            return;
                        }
                        int from = (int) Math.max(0, Math.min(b.count, offset - start));
                        int to = (int) Math.min(b.count, end - start);
                        if (to <= from) {
                            return;
                        }
                        int[] idx = b.positions();
                        if (buf.length < to - from) {
                            buf = new int[to - from];
                        }
                        System.arraycopy(idx, from, buf, 0, to - from);
                        int[] oldSel = b.sel;
                        int oldCount = b.count;
                        b.sel = buf;
                        b.count = to - from;
                        next.accept(b);
                        b.sel = oldSel;
                        b.count = oldCount;
                        if (start + oldCount >= end) {
                            scope.stop();
                        }
                    }

                    @Override
                    public void finish() {
                        next.finish();
                    }
                };
            });
        }

        @Override
        public String describe() {
            return "Limit " + (limit < 0 ? "ALL" : limit) + (offset > 0 ? " offset " + offset : "");
        }
    }

    static final class UnionOp extends PhysicalOp {
        UnionOp(List<PhysicalOp> inputs) {
            super(inputs);
        }

        @Override
        protected void execute(ExecContext ctx, Sink.Factory down) {
            for (PhysicalOp c : children) {
                c.run(ctx, down);
                if (ctx.stopped()) {
                    return;
                }
            }
        }

        @Override
        public String describe() {
            return "UnionAll";
        }
    }

    /** Constant rows, emitted on the coordinator thread. */
    static final class ValuesOp extends PhysicalOp {
        private final List<List<Expr>> rows;
        private final List<Field> fields;

        ValuesOp(List<List<Expr>> rows, List<Field> fields) {
            super(List.of());
            this.rows = rows;
            this.fields = fields;
        }

        @Override
        protected void execute(ExecContext ctx, Sink.Factory down) {
            Sink s = down.create();
            for (int from = 0; from < rows.size(); from += Batch.MAX_ROWS) {
                int n = Math.min(Batch.MAX_ROWS, rows.size() - from);
                ColumnVector[] cols = new ColumnVector[fields.size()];
                for (int c = 0; c < cols.length; c++) {
                    ColumnVector v = new ColumnVector(fields.get(c).type(), n);
                    for (int r = from; r < from + n; r++) {
                        Object val = ((Expr.Lit) rows.get(r).get(c)).value();
                        switch (val) {
                            case null -> v.appendNull();
                            case Long l -> v.appendLong(l);
                            case Double d -> v.appendDouble(d);
                            case String str -> v.appendString(str);
                            default -> throw new IllegalStateException("literal " + val);
                        }
                    }
                    cols[c] = v;
                }
                s.accept(new Batch(cols, n));
            }
            s.finish();
        }

        @Override
        public String describe() {
            return "Values rows=" + rows.size();
        }
    }
}
