package io.quiver.flight.sql;

import io.quiver.query.QueryContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cancel handles of the result streams running now, by query id, so CancelFlightInfo can
 * reach them. A cancel that arrives before its DoGet is remembered (bounded, oldest forgotten
 * first) and that DoGet then fails with CANCELLED instead of starting.
 */
final class RunningQueries {
    private static final int REMEMBERED_CANCELS = 10_000;

    private final Map<String, QueryContext> running = new ConcurrentHashMap<>();
    private final Map<String, Boolean> cancelledEarly = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_CANCELS;
        }
    };

    /** Registers a starting query; false when it was cancelled before it started. */
    boolean start(String queryId, QueryContext ctx) {
        synchronized (cancelledEarly) {
            if (cancelledEarly.remove(queryId) != null) {
                return false;
            }
            running.put(queryId, ctx);
            return true;
        }
    }

    void finish(String queryId) {
        running.remove(queryId);
    }

    void cancel(String queryId) {
        synchronized (cancelledEarly) {
            QueryContext ctx = running.get(queryId);
            if (ctx != null) {
                ctx.cancel();
            } else {
                cancelledEarly.put(queryId, Boolean.TRUE);
            }
        }
    }

    int size() {
        return running.size();
    }
}
