package io.quiver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.client.cli.SqlShell;
import io.quiver.server.config.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ops/quiver-sql} against a real server: statements from -c, a file and stdin, the three formats, errors, limits. */
class SqlShellTest {
    private static final String SETUP = """
            CREATE TABLE people (ts TIMESTAMP, name VARCHAR, age INT, score DOUBLE, member BOOLEAN, born DATE);
            INSERT INTO people VALUES
              (TIMESTAMP '2026-11-23 10:00:00', 'Ann', 31, 1.5, true, DATE '1995-02-03'),
              (TIMESTAMP '2026-11-23 10:00:01.25', 'Bob, "the builder"', NULL, -2.0, false, NULL),
              (TIMESTAMP '2026-11-23 10:00:02.000001', 'Zoë; ü', 7, NULL, NULL, DATE '2019-12-31');
            """;

    @TempDir
    Path dir;
    private QuiverServer server;

    private record Run(int status, String out, String err) {
    }

    @BeforeEach
    void start() throws Exception {
        server = QuiverServer.start(ServerConfig.load(new String[]{"--data.dir=" + dir, "--http.port=0", "--grpc.port=0", "--flight.port=0",
                "--storage.durability=none", "--auth.token=secret"}, Map.of()));
        Run setup = shell(SETUP, "-c", SETUP);
        assertEquals(0, setup.status(), setup.err());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Run shell(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of("--port=" + server.flightPort()));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SqlShell.run(all.toArray(new String[0]), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("QUIVER_TOKEN", "secret"));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTableIsAlignedWithNullsAndAFooter() {
        Run r = shell("SELECT name, age, score, member, born, ts FROM people ORDER BY ts;\n");
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(" name               | age  | score | member | born       | ts", lines[0]);
        assertEquals("--------------------+------+-------+--------+------------+----------------------------", lines[1]);
        assertEquals(" Ann                |   31 |   1.5 | true   | 1995-02-03 | 2026-11-23 10:00:00", lines[2]);
        assertEquals(" Bob, \"the builder\" | NULL |  -2.0 | false  | NULL       | 2026-11-23 10:00:01.25", lines[3]);
        assertEquals(" Zoë; ü             |    7 |  NULL | NULL   | 2019-12-31 | 2026-11-23 10:00:02.000001", lines[4]);
        assertTrue(lines[5].matches("\\(3 rows, [0-9.]+ ms\\)"), lines[5]);
        assertEquals(6, lines.length, r.out());
    }

    @Test
    void csvQuotesWhatNeedsQuotingAndLeavesNullsEmpty() {
        Run r = shell("", "--format=csv", "-c", "SELECT name, age, score, born FROM people ORDER BY ts");
        assertEquals(0, r.status(), r.err());
        assertEquals("name,age,score,born\r\nAnn,31,1.5,1995-02-03\r\n\"Bob, \"\"the builder\"\"\",,-2.0,\r\nZoë; ü,7,,2019-12-31\r\n", r.out());
        assertTrue(r.err().matches("(?s)\\(3 rows, [0-9.]+ ms\\)\\s*"), r.err());
    }

    @Test
    void jsonIsOneObjectPerRowWithTypedValues() throws Exception {
        Run r = shell("", "--format=json", "-c", "SELECT name, age, score, member, ts FROM people ORDER BY ts");
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(3, lines.length, r.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode bob = json.readTree(lines[1]);
        assertEquals("Bob, \"the builder\"", bob.get("name").asText());
        assertTrue(bob.get("age").isNull());
        assertEquals(-2.0, bob.get("score").asDouble());
        assertFalse(bob.get("member").asBoolean());
        assertTrue(bob.get("member").isBoolean());
        assertEquals("2026-11-23T10:00:01.250Z", bob.get("ts").asText());
        JsonNode zoe = json.readTree(lines[2]);
        assertEquals(7, zoe.get("age").asInt());
        assertTrue(zoe.get("age").isInt());
        assertTrue(zoe.get("score").isNull());
    }

    @Test
    void updatesReportTheirRowCountAndShortcutsWork() {
        Run r = shell("DELETE FROM people WHERE age IS NULL;\n\\dt\n\\d people\nSELECT count(*) AS n FROM people;\n");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("(OK, 1 row, "), r.out());
        assertTrue(r.out().contains(" people"), r.out());
        assertTrue(r.out().contains(" score "), r.out()); // DESCRIBE lists the columns
        assertTrue(r.out().matches("(?s).*\n +2\n.*"), r.out());
    }

    @Test
    void theFirstFailingStatementStopsAScriptAndIsNamed() throws Exception {
        Path script = dir.resolve("script.sql");
        Files.writeString(script, "SELECT count(*) FROM people;\nSELECT * FROM peeple;\nDELETE FROM people;\n");
        Run r = shell("", "-f", script.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("peeple") && r.err().contains("people"), r.err()); // names it and suggests the closest table
        assertTrue(r.err().contains("in statement: SELECT * FROM peeple"), r.err());
        Run count = shell("", "-c", "SELECT count(*) FROM people");
        assertTrue(count.out().matches("(?s).*\n +3\n.*"), "the DELETE after the error must not have run: " + count.out());
        Run syntax = shell("", "-c", "SELEC 1");
        assertEquals(1, syntax.status());
        assertTrue(syntax.err().contains("syntax error") && syntax.err().contains("line=1, column=1"), syntax.err());
    }

    @Test
    void aTableStopsAtMaxRowsWhileCsvPrintsEverything() {
        StringBuilder insert = new StringBuilder("INSERT INTO people (ts, name, age) VALUES ");
        for (int i = 0; i < 500; i++) {
            insert.append(i == 0 ? "" : ", ").append("(TIMESTAMP '2026-11-24 00:00:00', 'p").append(i).append("', ").append(i).append(')');
        }
        Run inserted = shell("", "-c", insert.toString());
        assertEquals(0, inserted.status(), inserted.err());
        Run table = shell("", "--max-rows=10", "-c", "SELECT name FROM people");
        assertEquals(0, table.status(), table.err());
        assertEquals(2 + 10 + 1, table.out().split("\n").length, table.out());
        assertTrue(table.out().contains("first 10 rows shown, more not read"), table.out());
        Run csv = shell("", "--max-rows=10", "--format=csv", "-c", "SELECT name FROM people");
        assertEquals(1 + 503, csv.out().split("\r\n").length);
    }

    @Test
    void wideCharactersKeepTheTableAlignedAndLargeDoublesHaveNoExponent() {
        Run r = shell("SELECT '日本' AS country, 1793577632.0 * 1.0 AS epoch UNION ALL SELECT 'DE', 2.5 ORDER BY 2;\n");
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(" country | epoch", lines[0]);
        assertEquals(" DE      |          2.5", lines[2]);
        assertEquals(" 日本    | 1793577632.0", lines[3]);
    }

    @Test
    void badUsageAndBadCredentialsAreClearErrors() {
        Run unknown = shell("", "--colour=yes");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown option [option=--colour]"), unknown.err());
        Run format = shell("", "--format=xml");
        assertEquals(2, format.status());
        assertTrue(format.err().contains("--format must be table, csv or json [value=xml]"), format.err());
        Run spaced = shell("", "--format", "csv", "--max-rows", "5", "-c", "SELECT name FROM people WHERE age = 7");
        assertEquals(0, spaced.status(), spaced.err());
        assertEquals("name\r\nZoë; ü\r\n", spaced.out(), "--key value works like --key=value");
        Run dangling = shell("", "--port");
        assertEquals(2, dangling.status());
        assertTrue(dangling.err().contains("--port needs a value"), dangling.err());
        Run token = shell("", "--token=wrong", "-c", "SELECT 1");
        assertEquals(1, token.status());
        assertTrue(token.err().contains("UNAUTHENTICATED"), token.err());
    }
}
