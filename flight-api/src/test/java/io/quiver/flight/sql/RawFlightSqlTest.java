package io.quiver.flight.sql;

import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelFlightInfoResult;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.flight.sql.util.TableRef;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Arrow's own FlightSqlClient against a real server: the raw flows BI tools and Grafana use. */
class RawFlightSqlTest {
    /** 90 M rows (300 k x 300 per key): still running whenever a test cancels it. */
    static final String ENDLESS = "SELECT a.id, b.s FROM big a JOIN big b ON a.s = b.s";

    @TempDir
    static Path dir;
    static FlightSqlFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new FlightSqlFixture(dir);
        f.sql().executeUpdate("CREATE TABLE trades (ts TIMESTAMP, sym VARCHAR, qty INT, px DOUBLE)");
        long n = f.sql().executeUpdate("INSERT INTO trades VALUES (TIMESTAMP '2024-01-01 00:00:00', 'ABC', 10, 1.5), "
                + "(TIMESTAMP '2024-01-01 00:00:01', 'XYZ', 20, 2.5), (TIMESTAMP '2024-01-01 00:00:02', NULL, NULL, NULL)");
        assertEquals(3, n);
        f.loadBig("big", 300_000);
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    static List<List<Object>> readAll(FlightSqlClient c, FlightInfo info) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        assertEquals(1, info.getEndpoints().size());
        try (FlightStream s = c.getStream(info.getEndpoints().get(0).getTicket())) {
            assertEquals(info.getSchema(), s.getSchema());
            while (s.next()) {
                VectorSchemaRoot r = s.getRoot();
                for (int i = 0; i < r.getRowCount(); i++) {
                    List<Object> row = new ArrayList<>();
                    for (var v : r.getFieldVectors()) {
                        Object o = v.getObject(i);
                        row.add(o == null ? null : o instanceof org.apache.arrow.vector.util.Text t ? t.toString() : o);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    @Test
    void grafanaFlowOneEndpointThenDoGet() throws Exception {
        FlightInfo info = f.sql().execute("SELECT sym, qty, px, ts FROM trades ORDER BY ts");
        assertEquals(1, info.getEndpoints().size(), "Grafana refuses more than one endpoint");
        assertTrue(info.getEndpoints().get(0).getLocations().isEmpty());
        Schema s = info.getSchema();
        assertEquals(List.of("sym", "qty", "px", "ts"), s.getFields().stream().map(Field::getName).toList());
        assertEquals(new ArrowType.Int(32, true), s.getFields().get(1).getType());
        assertEquals(new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MICROSECOND, "UTC"), s.getFields().get(3).getType());
        List<List<Object>> rows = readAll(f.sql(), info);
        assertEquals(3, rows.size());
        assertEquals("ABC", rows.get(0).get(0));
        assertEquals(10, rows.get(0).get(1));
        assertEquals(1.5, rows.get(0).get(2));
        assertEquals(1_704_067_200_000_000L, rows.get(0).get(3));
        assertEquals(java.util.Arrays.asList(null, null, null), rows.get(2).subList(0, 3));
    }

    @Test
    void largeResultStreamsInBatchesAndFreesMemory() throws Exception {
        FlightInfo info = f.sql().execute("SELECT id, v, s FROM big");
        long rows = 0;
        long sum = 0;
        int batches = 0;
        try (FlightStream s = f.sql().getStream(info.getEndpoints().get(0).getTicket())) {
            while (s.next()) {
                batches++;
                BigIntVector id = (BigIntVector) s.getRoot().getVector(0);
                for (int i = 0; i < s.getRoot().getRowCount(); i++) {
                    sum += id.get(i);
                }
                rows += s.getRoot().getRowCount();
            }
        }
        assertEquals(300_000, rows);
        assertEquals(300_000L * 299_999 / 2, sum);
        assertTrue(batches > 1, "streamed in batches, got " + batches);
        awaitServerIdle();
    }

    void awaitServerIdle() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((f.server.allocatedBytes() != 0 || f.server.producer().runningStreams() != 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, f.server.producer().runningStreams());
        assertEquals(0, f.server.allocatedBytes(), "server Arrow memory after the stream");
    }

    @Test
    void getTablesWithIncludeSchema() throws Exception {
        FlightInfo info = f.sql().getTables(null, null, "trad%", List.of("TABLE"), true);
        assertEquals(Schemas.GET_TABLES_SCHEMA, info.getSchema());
        try (FlightStream s = f.sql().getStream(info.getEndpoints().get(0).getTicket())) {
            assertEquals(Schemas.GET_TABLES_SCHEMA, s.getSchema());
            assertTrue(s.next());
            VectorSchemaRoot r = s.getRoot();
            assertEquals(1, r.getRowCount());
            assertTrue(r.getVector("catalog_name").isNull(0));
            assertEquals("public", r.getVector("db_schema_name").getObject(0).toString());
            assertEquals("trades", r.getVector("table_name").getObject(0).toString());
            assertEquals("TABLE", r.getVector("table_type").getObject(0).toString());
            byte[] bytes = ((VarBinaryVector) r.getVector("table_schema")).get(0);
            Schema ts = MessageSerializer.deserializeSchema(new ReadChannel(Channels.newChannel(new ByteArrayInputStream(bytes))));
            assertEquals(List.of("ts", "sym", "qty", "px"), ts.getFields().stream().map(Field::getName).toList());
            assertEquals(ArrowType.Utf8.INSTANCE, ts.getFields().get(1).getType());
            assertEquals("VARCHAR", ts.getFields().get(1).getMetadata().get("ARROW:FLIGHT:SQL:TYPE_NAME"));
            assertEquals("trades", ts.getFields().get(1).getMetadata().get("ARROW:FLIGHT:SQL:TABLE_NAME"));
            assertFalse(s.next());
        }
    }

    @Test
    void namePatternsAndTableTypeFilter() throws Exception {
        assertTrue(tableNames(null, "%").containsAll(List.of("big", "trades")));
        assertEquals(List.of("big"), tableNames(null, "b_g"));
        assertEquals(List.of(), tableNames(null, "b_"));
        assertEquals(List.of("trades"), tableNames(null, "TRADES"));
        assertEquals(List.of(), tableNames(null, "trades' OR '1'='1"));
        assertEquals(List.of(), tableNames(null, "%\"; DROP TABLE trades; --"));
        assertEquals(tableNames(null, "%"), tableNames("pub%", "%"));
        assertEquals(List.of("big", "trades"), tableNames("public", "%_%").stream().filter(t -> !t.equals("pu")).toList());
        assertEquals(List.of("trades"), tableNames("public", "%r%"));
        assertEquals(List.of(), tableNames("other", "%"));
        FlightInfo views = f.sql().getTables(null, null, "%", List.of("VIEW"), false);
        assertEquals(0, readAll(f.sql(), views).size());
        assertTrue(f.storage.table("trades").isPresent(), "injection attempts are literals");
    }

    List<String> tableNames(String schemaPattern, String tablePattern) throws Exception {
        FlightInfo info = f.sql().getTables(null, schemaPattern, tablePattern, null, false);
        return readAll(f.sql(), info).stream().map(r -> (String) r.get(2)).toList();
    }

    @Test
    void everyMetadataSchemaIsTheSpecs() throws Exception {
        TableRef trades = TableRef.of(null, "public", "trades");
        List<Object[]> cases = List.<Object[]>of(
                new Object[]{"GetSqlInfo", (Supplier<FlightInfo>) () -> f.sql().getSqlInfo(new int[0]), Schemas.GET_SQL_INFO_SCHEMA},
                new Object[]{"GetCatalogs", (Supplier<FlightInfo>) () -> f.sql().getCatalogs(), Schemas.GET_CATALOGS_SCHEMA},
                new Object[]{"GetDbSchemas", (Supplier<FlightInfo>) () -> f.sql().getSchemas(null, null), Schemas.GET_SCHEMAS_SCHEMA},
                new Object[]{"GetTables", (Supplier<FlightInfo>) () -> f.sql().getTables(null, null, null, null, false),
                        Schemas.GET_TABLES_SCHEMA_NO_SCHEMA},
                new Object[]{"GetTables+schema", (Supplier<FlightInfo>) () -> f.sql().getTables(null, null, null, null, true),
                        Schemas.GET_TABLES_SCHEMA},
                new Object[]{"GetTableTypes", (Supplier<FlightInfo>) () -> f.sql().getTableTypes(), Schemas.GET_TABLE_TYPES_SCHEMA},
                new Object[]{"GetPrimaryKeys", (Supplier<FlightInfo>) () -> f.sql().getPrimaryKeys(trades), Schemas.GET_PRIMARY_KEYS_SCHEMA},
                new Object[]{"GetExportedKeys", (Supplier<FlightInfo>) () -> f.sql().getExportedKeys(trades), Schemas.GET_EXPORTED_KEYS_SCHEMA},
                new Object[]{"GetImportedKeys", (Supplier<FlightInfo>) () -> f.sql().getImportedKeys(trades), Schemas.GET_IMPORTED_KEYS_SCHEMA},
                new Object[]{"GetCrossReference", (Supplier<FlightInfo>) () -> f.sql().getCrossReference(trades, trades),
                        Schemas.GET_CROSS_REFERENCE_SCHEMA},
                new Object[]{"GetXdbcTypeInfo", (Supplier<FlightInfo>) () -> f.sql().getXdbcTypeInfo(), Schemas.GET_TYPE_INFO_SCHEMA});
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            FlightInfo info = ((Supplier<FlightInfo>) c[1]).get();
            Schema expected = (Schema) c[2];
            assertEquals(1, info.getEndpoints().size(), c[0] + " endpoints");
            assertSameFields(expected, info.getSchema(), c[0] + " FlightInfo");
            try (FlightStream s = f.sql().getStream(info.getEndpoints().get(0).getTicket())) {
                assertSameFields(expected, s.getSchema(), c[0] + " stream");
                while (s.next()) {
                    assertSameFields(expected, s.getRoot().getSchema(), c[0] + " batch");
                }
            }
        }
    }

    static void assertSameFields(Schema expected, Schema actual, String what) {
        assertEquals(expected.getFields().size(), actual.getFields().size(), what + " field count");
        for (int i = 0; i < expected.getFields().size(); i++) {
            Field e = expected.getFields().get(i);
            Field a = actual.getFields().get(i);
            assertEquals(e.getName(), a.getName(), what + " field " + i);
            assertEquals(e.getType(), a.getType(), what + " type of " + e.getName());
            assertEquals(e.isNullable(), a.isNullable(), what + " nullability of " + e.getName());
            assertEquals(e.getChildren(), a.getChildren(), what + " children of " + e.getName());
        }
        assertEquals(expected, actual, what);
    }

    @Test
    void sqlInfoEmptyListReturnsAllAndSingleIdsWork() throws Exception {
        Set<Long> ids = sqlInfoIds(new int[0]);
        for (FlightSql.SqlInfo need : List.of(FlightSql.SqlInfo.FLIGHT_SQL_SERVER_NAME, FlightSql.SqlInfo.FLIGHT_SQL_SERVER_VERSION,
                FlightSql.SqlInfo.FLIGHT_SQL_SERVER_READ_ONLY, FlightSql.SqlInfo.SQL_IDENTIFIER_QUOTE_CHAR, FlightSql.SqlInfo.SQL_KEYWORDS,
                FlightSql.SqlInfo.SQL_TRANSACTIONS_SUPPORTED, FlightSql.SqlInfo.SQL_ANSI92_SUPPORTED_LEVEL,
                FlightSql.SqlInfo.SQL_SUPPORTED_GRAMMAR, FlightSql.SqlInfo.SQL_NUMERIC_FUNCTIONS, FlightSql.SqlInfo.SQL_DATETIME_FUNCTIONS,
                FlightSql.SqlInfo.SQL_IDENTIFIER_CASE, FlightSql.SqlInfo.FLIGHT_SQL_SERVER_CANCEL)) {
            assertTrue(ids.contains((long) need.getNumber()), "GetSqlInfo([]) lacks " + need);
        }
        assertTrue(ids.size() > 60, "all ids: " + ids.size());
        assertEquals(Set.of((long) FlightSql.SqlInfo.FLIGHT_SQL_SERVER_NAME_VALUE),
                sqlInfoIds(new int[]{FlightSql.SqlInfo.FLIGHT_SQL_SERVER_NAME_VALUE}));
    }

    Set<Long> sqlInfoIds(int[] req) throws Exception {
        FlightInfo info = f.sql().getSqlInfo(req);
        Set<Long> ids = new HashSet<>();
        try (FlightStream s = f.sql().getStream(info.getEndpoints().get(0).getTicket())) {
            while (s.next()) {
                UInt4Vector names = (UInt4Vector) s.getRoot().getVector("info_name");
                for (int i = 0; i < s.getRoot().getRowCount(); i++) {
                    ids.add(names.getValueAsLong(i));
                }
            }
        }
        return ids;
    }

    @Test
    void typeInfoListsEveryQuiverType() throws Exception {
        List<List<Object>> rows = readAll(f.sql(), f.sql().getXdbcTypeInfo());
        assertEquals(List.of("BOOLEAN", "SMALLINT", "INT", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP", "VARCHAR"),
                rows.stream().map(r -> (String) r.get(0)).toList());
        assertEquals(java.sql.Types.VARCHAR, rows.get(7).get(1));
        List<List<Object>> one = readAll(f.sql(), f.sql().getXdbcTypeInfo(java.sql.Types.BIGINT));
        assertEquals(1, one.size());
        assertEquals("BIGINT", one.get(0).get(0));
    }

    @Test
    void preparedStatementWithParametersAndReuse() throws Exception {
        try (FlightSqlClient.PreparedStatement ps = f.sql().prepare("SELECT sym, qty FROM trades WHERE qty >= ? AND sym <> ? ORDER BY qty")) {
            Schema params = ps.getParameterSchema();
            assertEquals(2, params.getFields().size());
            assertEquals(new ArrowType.Int(32, true), params.getFields().get(0).getType());
            assertEquals(ArrowType.Utf8.INSTANCE, params.getFields().get(1).getType());
            assertEquals(List.of("sym", "qty"), ps.getResultSetSchema().getFields().stream().map(Field::getName).toList());
            for (int[] q : new int[][]{{5, 2}, {15, 1}, {25, 0}}) {
                try (VectorSchemaRoot p = VectorSchemaRoot.create(params, f.clientAllocator)) {
                    p.allocateNew();
                    ((IntVector) p.getVector(0)).setSafe(0, q[0]);
                    ((VarCharVector) p.getVector(1)).setSafe(0, "it's".getBytes());
                    p.setRowCount(1);
                    ps.setParameters(p);
                    assertEquals(q[1], readAll(f.sql(), ps.execute()).size(), "qty >= " + q[0]);
                }
            }
        }
    }

    @Test
    void preparedUpdateAndBulkIngestReturnCounts() throws Exception {
        f.sql().executeUpdate("CREATE TABLE pu (ts TIMESTAMP, k BIGINT)");
        try (FlightSqlClient.PreparedStatement ps = f.sql().prepare("INSERT INTO pu VALUES (?, ?)")) {
            Schema params = ps.getParameterSchema();
            assertEquals(0, ps.getResultSetSchema().getFields().size());
            try (VectorSchemaRoot p = VectorSchemaRoot.create(params, f.clientAllocator)) {
                p.allocateNew();
                for (int i = 0; i < 3; i++) {
                    ((org.apache.arrow.vector.TimeStampMilliTZVector) p.getVector(0)).setSafe(i, 1_700_000_000_000L + i);
                    ((BigIntVector) p.getVector(1)).setSafe(i, 100 + i);
                }
                p.setRowCount(3);
                ps.setParameters(p);
                assertEquals(3, ps.executeUpdate());
            }
        }
        Schema schema = new Schema(List.of(Field.nullable("ts", new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MICROSECOND, "UTC")),
                Field.nullable("k", new ArrowType.Int(64, true))));
        try (VectorSchemaRoot data = VectorSchemaRoot.create(schema, f.clientAllocator)) {
            data.allocateNew();
            for (int i = 0; i < 5; i++) {
                ((TimeStampMicroTZVector) data.getVector(0)).setSafe(i, 1_700_000_000_000_000L + i);
                ((BigIntVector) data.getVector(1)).setSafe(i, i);
            }
            data.setRowCount(5);
            FlightSqlClient.ExecuteIngestOptions opts = new FlightSqlClient.ExecuteIngestOptions("pu",
                    FlightSql.CommandStatementIngest.TableDefinitionOptions.newBuilder()
                            .setIfExists(FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption.TABLE_EXISTS_OPTION_APPEND)
                            .setIfNotExist(FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL)
                            .build(), null, null, null);
            assertEquals(5, f.sql().executeIngest(data, opts));
        }
        List<List<Object>> rows = readAll(f.sql(), f.sql().execute("SELECT count(*), sum(k) FROM pu"));
        assertEquals(8L, ((Number) rows.get(0).get(0)).longValue());
        assertEquals(303L + 10L, ((Number) rows.get(0).get(1)).longValue());
        List<List<Object>> ts = readAll(f.sql(), f.sql().execute("SELECT ts FROM pu WHERE k = 101"));
        assertEquals(1_700_000_000_001_000L, ts.get(0).get(0), "millisecond parameter stored as micros");
    }

    @Test
    void cancelFlightInfoStopsARunningStream() throws Exception {
        FlightInfo info = f.sql().execute(ENDLESS);
        try (FlightStream s = f.sql().getStream(info.getEndpoints().get(0).getTicket())) {
            assertTrue(s.next());
            CancelFlightInfoResult r = f.sql().cancelFlightInfo(new CancelFlightInfoRequest(info));
            assertEquals(CancelStatus.CANCELLED, r.getStatus());
            FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> {
                while (s.next()) {
                    // drain what was in flight; the server stops with CANCELLED
                }
            });
            assertEquals(FlightStatusCode.CANCELLED, e.status().code(), e.getMessage());
        }
        awaitServerIdle();
        // A ticket whose query was cancelled before its DoGet never starts.
        FlightInfo again = f.sql().execute("SELECT id FROM big");
        f.sql().cancelFlightInfo(new CancelFlightInfoRequest(again));
        FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> readAll(f.sql(), again));
        assertEquals(FlightStatusCode.CANCELLED, e.status().code());
    }

    @Test
    void clientDisconnectMidStreamCancelsTheQuery() throws Exception {
        FlightInfo info = f.sql().execute(ENDLESS);
        FlightStream s = f.sql().getStream(info.getEndpoints().get(0).getTicket());
        assertTrue(s.next());
        s.cancel("client goes away", null);
        s.close();
        awaitServerIdle();
        assertNull(null);
    }
}
