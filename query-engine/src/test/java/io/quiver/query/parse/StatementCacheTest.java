package io.quiver.query.parse;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class StatementCacheTest {
    @Test
    void aRepeatedQueryTextIsParsedOnce() {
        StatementCache cache = new StatementCache(4);
        Statement first = cache.parse("SELECT count(*) FROM t");
        assertSame(first, cache.parse("SELECT count(*) FROM t"));
        assertNotSame(first, cache.parse("select count(*) from t"));
    }

    @Test
    void statementsOtherThanQueriesAreParsedEveryTime() {
        StatementCache cache = new StatementCache(4);
        assertNotSame(cache.parse("INSERT INTO t VALUES (1)"), cache.parse("INSERT INTO t VALUES (1)"));
        assertNotSame(cache.parse("EXPLAIN SELECT 1"), cache.parse("EXPLAIN SELECT 1"));
        assertEquals(0, cache.size());
    }

    @Test
    void theLeastRecentlyUsedQueryLeavesFirst() {
        StatementCache cache = new StatementCache(2);
        Statement one = cache.parse("SELECT 1");
        Statement two = cache.parse("SELECT 2");
        assertSame(one, cache.parse("SELECT 1"));
        cache.parse("SELECT 3");
        assertEquals(2, cache.size());
        assertSame(one, cache.parse("SELECT 1"));
        assertNotSame(two, cache.parse("SELECT 2"));
    }
}
