package io.quiver.client.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatementSplitterTest {
    private static List<String> split(String text) {
        StatementSplitter s = new StatementSplitter();
        List<String> all = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            all.addAll(s.addLine(line));
        }
        String rest = s.rest();
        if (rest != null) {
            all.add(rest);
        }
        return all;
    }

    @Test
    void semicolonsInTextIdentifiersAndCommentsDoNotEndAStatement() {
        assertEquals(List.of("SELECT 'a;b', 'it''s; here'", "SELECT \"odd;name\" FROM t", "SELECT 1 /* ; */ + 2"),
                split("SELECT 'a;b', 'it''s; here'; SELECT \"odd;name\" FROM t;\nSELECT 1 /* ; */ + 2;"));
    }

    @Test
    void lineCommentsAreDroppedAndEndAtTheLineBreak() {
        assertEquals(List.of("SELECT 1 \n, 2"), split("-- a comment; not a statement\nSELECT 1 -- trailing; comment\n, 2;"));
    }

    @Test
    void statementsSpanLinesAndTheLastMayLackItsSemicolon() {
        assertEquals(List.of("SELECT\n  1", "SELECT 2"), split("SELECT\n  1;\nSELECT 2"));
    }

    @Test
    void aStringSpanningLinesKeepsItsLineBreak() {
        assertEquals(List.of("INSERT INTO t VALUES ('a\nb;c')"), split("INSERT INTO t VALUES ('a\nb;c');"));
    }

    @Test
    void emptyStatementsAreDroppedAndContinuationIsTracked() {
        StatementSplitter s = new StatementSplitter();
        assertEquals(List.of(), s.addLine(";;  ;"));
        assertFalse(s.inStatement());
        assertEquals(List.of(), s.addLine("SELECT 1"));
        assertTrue(s.inStatement());
        assertEquals(List.of("SELECT 1"), s.addLine(";"));
        assertFalse(s.inStatement());
        assertNull(s.rest());
    }
}
