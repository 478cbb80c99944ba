package io.quiver.flight.sql;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.quiver.flight.ingest.FlightIngestHandler;
import io.quiver.proto.v1.IngestAck;
import io.quiver.query.QueryContext;
import io.quiver.query.QueryEngine;
import io.quiver.query.QueryException;
import io.quiver.query.QueryOptions;
import io.quiver.query.QueryResult;
import io.quiver.query.catalog.QueryCatalog;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlProducer;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionClosePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementResult;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCatalogs;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCrossReference;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetExportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetImportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetPrimaryKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetSqlInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTableTypes;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetXdbcTypeInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.DoPutPreparedStatementResult;
import org.apache.arrow.flight.sql.impl.FlightSql.DoPutUpdateResult;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Quiver's Flight SQL service: queries (plain and prepared, with parameters bound through DoPut),
 * updates and DDL with their row counts, bulk ingest, catalog metadata in the spec's schemas,
 * cancellation, and plain-Flight DoPut ingest (path descriptors) for the ingest clients that came
 * before Flight SQL. Queries run at DoGet, not at GetFlightInfo: a FlightInfo is a plan (schema
 * plus one endpoint whose ticket carries the statement), so an unredeemed ticket holds nothing.
 *
 * <p>Memory: every result stream gets a child of the endpoint's allocator (see {@link
 * ResultStream}); metadata results use short-lived children closed before the call returns.
 */
public final class QuiverFlightSqlProducer implements FlightSqlProducer {
    private final QueryEngine engine;
    private final FlightIngestHandler ingest;
    private final BufferAllocator allocator;
    private final FlightSqlSettings settings;
    private final StatementAnalyzer analyzer;
    private final CatalogMetadata metadata;
    private final SqlInfoBuilder sqlInfo;
    private final PreparedStatementRegistry prepared;
    private final RunningQueries running = new RunningQueries();
    private final Semaphore streamSlots;
    private final ExecutorService streams;
    private final AtomicLong streamIds = new AtomicLong();

    /**
     * @param allocator the endpoint's allocator, owned by the caller; streams take children of it
     * @param ingest    the DoPut ingest handler shared with the other ingest doors
     */
    public QuiverFlightSqlProducer(QueryEngine engine, QueryCatalog catalog, FlightIngestHandler ingest, BufferAllocator allocator,
                                   FlightSqlSettings settings, String serverVersion) {
        this.engine = engine;
        this.ingest = ingest;
        this.allocator = allocator;
        this.settings = settings;
        this.analyzer = new StatementAnalyzer(engine, catalog, settings.maxSqlBytes());
        this.metadata = new CatalogMetadata(catalog);
        long timeout = settings.queryTimeoutMs() > 0 ? settings.queryTimeoutMs() : engine.config().timeoutMs();
        this.sqlInfo = ServerSqlInfo.build(serverVersion, timeout);
        this.prepared = new PreparedStatementRegistry(settings.maxPreparedStatements(), settings.preparedStatementIdleMs());
        this.streamSlots = new Semaphore(settings.maxConcurrentStreams());
        AtomicInteger n = new AtomicInteger();
        this.streams = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "quiver-flight-stream-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private QueryOptions options() {
        return QueryOptions.defaults().withTimeoutMs(settings.queryTimeoutMs()).withResultMaxRows(settings.resultMaxRows())
                .withContext(new QueryContext());
    }

    private static String peer(CallContext context) {
        String p = context.peerIdentity();
        return p == null ? "" : p;
    }

    // ---- queries ----

    @Override
    public FlightInfo getFlightInfoStatement(CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        AnalyzedStatement st = analyzeQuery(command.getQuery());
        return queryInfo(st.datasetSchema(), descriptor, QueryTicket.forSql(command.getQuery()).toTicket());
    }

    @Override
    public SchemaResult getSchemaStatement(CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        return new SchemaResult(analyzeQuery(command.getQuery()).datasetSchema());
    }

    private AnalyzedStatement analyzeQuery(String sql) {
        AnalyzedStatement st = analyzer.analyze(sql);
        if (st.parameterCount() > 0) {
            throw FlightErrors.invalid("statement has " + st.parameterCount() + " parameters: prepare it and bind them");
        }
        if (!st.returnsRows()) {
            throw FlightErrors.invalid("statement does not return rows: send it as CommandStatementUpdate");
        }
        return st;
    }

    /** Exactly one endpoint, with no locations (the client reads it over the same connection). */
    private static FlightInfo queryInfo(Schema schema, FlightDescriptor descriptor, Ticket ticket) {
        return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(ticket)), -1, -1);
    }

    @Override
    public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
        Any command;
        try {
            command = Any.parseFrom(ticket.getBytes());
        } catch (InvalidProtocolBufferException e) {
            listener.error(FlightErrors.status(CallStatus.INVALID_ARGUMENT, "malformed ticket: not a Flight SQL ticket",
                    FlightErrors.PROTOCOL_VIOLATION));
            return;
        }
        try {
            FlightSqlProducer.super.getStream(context, ticket, listener);
        } catch (FlightRuntimeException e) {
            listener.error(e);
        } catch (RuntimeException e) {
            listener.error(FlightErrors.from(e));
        }
    }

    @Override
    public void getStreamStatement(TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
        QueryTicket t = QueryTicket.fromHandle(ticket.getStatementHandle());
        List<String> sqls;
        if (t.isPrepared()) {
            PreparedStatementRegistry.Prepared p = prepared.get(t.preparedHandle(), peer(context));
            sqls = p.sqlToRun();
        } else {
            analyzer.checkSize(t.sql());
            sqls = List.of(t.sql());
        }
        startStream(t.queryId(), sqls, listener);
    }

    @Override
    public void getStreamPreparedStatement(CommandPreparedStatementQuery command, CallContext context, ServerStreamListener listener) {
        PreparedStatementRegistry.Prepared p = prepared.get(command.getPreparedStatementHandle(), peer(context));
        startStream(QueryTicket.newQueryId(), p.sqlToRun(), listener);
    }

    private void startStream(String queryId, List<String> sqls, ServerStreamListener listener) {
        if (!streamSlots.tryAcquire()) {
            throw FlightErrors.status(CallStatus.RESOURCE_EXHAUSTED, "too many concurrent result streams [max="
                    + settings.maxConcurrentStreams() + ", limit=flight.max.concurrent.streams]", FlightErrors.TOO_MANY_CONNECTIONS);
        }
        BufferAllocator child = null;
        try {
            QueryOptions opts = options();
            if (!running.start(queryId, opts.context())) {
                throw FlightErrors.status(CallStatus.CANCELLED, "query cancelled [queryId=" + queryId + ']', "57014");
            }
            child = allocator.newChildAllocator("stream-" + streamIds.incrementAndGet(), 0, allocator.getLimit());
            BufferAllocator owned = child;
            ResultStream stream = new ResultStream(engine, sqls, opts, listener, owned, settings.resultMaxBytes(), () -> {
                running.finish(queryId);
                owned.close(); // the stream closed its root: anything left here is a leak and fails loudly
                streamSlots.release();
            });
            stream.register();
            streams.execute(stream);
        } catch (RuntimeException e) {
            running.finish(queryId);
            if (child != null) {
                child.close();
            }
            streamSlots.release();
            throw e;
        }
    }

    // ---- prepared statements ----

    @Override
    public void createPreparedStatement(ActionCreatePreparedStatementRequest request, CallContext context, StreamListener<Result> listener) {
        try {
            AnalyzedStatement st = analyzer.analyze(request.getQuery());
            ByteString handle = prepared.add(st, peer(context));
            ActionCreatePreparedStatementResult result = ActionCreatePreparedStatementResult.newBuilder()
                    .setPreparedStatementHandle(handle)
                    .setDatasetSchema(ByteString.copyFrom(st.datasetSchema().serializeAsMessage()))
                    .setParameterSchema(ByteString.copyFrom(st.parameterSchema().serializeAsMessage()))
                    .build();
            listener.onNext(new Result(Any.pack(result).toByteArray()));
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(FlightErrors.from(e));
        }
    }

    @Override
    public void closePreparedStatement(ActionClosePreparedStatementRequest request, CallContext context, StreamListener<Result> listener) {
        try {
            prepared.remove(request.getPreparedStatementHandle(), peer(context));
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(FlightErrors.from(e));
        }
    }

    @Override
    public FlightInfo getFlightInfoPreparedStatement(CommandPreparedStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        PreparedStatementRegistry.Prepared p = prepared.get(command.getPreparedStatementHandle(), peer(context));
        if (!p.statement.returnsRows()) {
            throw FlightErrors.invalid("prepared statement does not return rows: execute it as an update");
        }
        return queryInfo(p.statement.datasetSchema(), descriptor, QueryTicket.forPrepared(command.getPreparedStatementHandle()).toTicket());
    }

    @Override
    public SchemaResult getSchemaPreparedStatement(CommandPreparedStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        return new SchemaResult(prepared.get(command.getPreparedStatementHandle(), peer(context)).statement.datasetSchema());
    }

    /** Binds parameters: every row of the uploaded batches is one execution of the statement. */
    @Override
    public Runnable acceptPutPreparedStatementQuery(CommandPreparedStatementQuery command, CallContext context, FlightStream stream,
                                                    StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                PreparedStatementRegistry.Prepared p = prepared.get(command.getPreparedStatementHandle(), peer(context));
                p.bound = readParameterRows(p.statement, stream);
                DoPutPreparedStatementResult result = DoPutPreparedStatementResult.newBuilder()
                        .setPreparedStatementHandle(command.getPreparedStatementHandle()).build();
                sendMetadata(allocator, ackStream, result);
                ackStream.onCompleted();
            } catch (RuntimeException e) {
                ackStream.onError(FlightErrors.from(e));
            }
        };
    }

    private static List<String> readParameterRows(AnalyzedStatement st, FlightStream stream) {
        List<String> rows = new ArrayList<>();
        while (stream.next()) {
            VectorSchemaRoot root = stream.getRoot();
            if (root.getFieldVectors().isEmpty() && st.parameterCount() == 0) {
                continue;
            }
            rows.addAll(st.bind(root));
        }
        return rows;
    }

    @Override
    public Runnable acceptPutPreparedStatementUpdate(CommandPreparedStatementUpdate command, CallContext context, FlightStream stream,
                                                     StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                PreparedStatementRegistry.Prepared p = prepared.get(command.getPreparedStatementHandle(), peer(context));
                if (p.statement.returnsRows()) {
                    throw FlightErrors.invalid("prepared statement returns rows: execute it as a query");
                }
                List<String> rows = readParameterRows(p.statement, stream);
                List<String> sqls = rows.isEmpty() ? p.sqlToRun() : rows;
                long count = 0;
                for (String sql : sqls) {
                    count += executeUpdate(sql);
                }
                sendMetadata(allocator, ackStream, DoPutUpdateResult.newBuilder().setRecordCount(count).build());
                ackStream.onCompleted();
            } catch (RuntimeException e) {
                ackStream.onError(FlightErrors.from(e));
            }
        };
    }

    // ---- updates and ingest ----

    @Override
    public Runnable acceptPutStatement(CommandStatementUpdate command, CallContext context, FlightStream stream,
                                       StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                AnalyzedStatement st = analyzer.analyze(command.getQuery());
                if (st.parameterCount() > 0) {
                    throw FlightErrors.invalid("statement has " + st.parameterCount() + " parameters: prepare it and bind them");
                }
                if (st.returnsRows()) {
                    throw FlightErrors.invalid("statement returns rows: send it as CommandStatementQuery");
                }
                long count = executeUpdate(command.getQuery());
                sendMetadata(allocator, ackStream, DoPutUpdateResult.newBuilder().setRecordCount(count).build());
                ackStream.onCompleted();
            } catch (RuntimeException e) {
                ackStream.onError(FlightErrors.from(e));
            }
        };
    }

    private long executeUpdate(String sql) {
        try (QueryResult r = engine.execute(sql, options())) {
            return Math.max(0, r.updateCount());
        } catch (QueryException e) {
            throw FlightErrors.of(e);
        }
    }

    /**
     * Bulk ingest through the shared ingest handler. Tables are created from the data when the
     * client allows it (and {@code ingest.auto.create} is on); REPLACE and temporary tables are not
     * offered. The handler's per-batch acks are folded into the one row count the spec returns.
     */
    @Override
    public Runnable acceptPutStatementBulkIngest(CommandStatementIngest command, CallContext context, FlightStream stream,
                                                 StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                String table = command.getTable();
                if (command.getTemporary()) {
                    throw FlightErrors.status(CallStatus.UNIMPLEMENTED, "temporary tables are not supported", FlightErrors.FEATURE_NOT_SUPPORTED);
                }
                TableDefinitionOptions o = command.getTableDefinitionOptions();
                boolean exists = metadata.tableExists(table);
                switch (o.getIfExists()) {
                    case TABLE_EXISTS_OPTION_FAIL -> {
                        if (exists) {
                            throw FlightErrors.status(CallStatus.ALREADY_EXISTS, "table already exists [table=" + table + ']', "42P07");
                        }
                    }
                    case TABLE_EXISTS_OPTION_REPLACE -> throw FlightErrors.status(CallStatus.UNIMPLEMENTED,
                            "bulk ingest with REPLACE is not supported [table=" + table + ']', FlightErrors.FEATURE_NOT_SUPPORTED);
                    default -> {
                    }
                }
                if (!exists && o.getIfNotExist() != TableDefinitionOptions.TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE) {
                    throw FlightErrors.status(CallStatus.NOT_FOUND, "table does not exist [table=" + table + ']', "42P01");
                }
                ingest.ingest(table, "", "", stream, new RowCountingAcks(ackStream, allocator));
            } catch (RuntimeException e) {
                ackStream.onError(FlightErrors.from(e));
            }
        };
    }

    /** Sums the ingest handler's per-batch acks and answers once with DoPutUpdateResult. */
    private static final class RowCountingAcks implements StreamListener<PutResult> {
        private final StreamListener<PutResult> delegate;
        private final BufferAllocator allocator;
        private long rows;

        RowCountingAcks(StreamListener<PutResult> delegate, BufferAllocator allocator) {
            this.delegate = delegate;
            this.allocator = allocator;
        }

        @Override
        public void onNext(PutResult r) {
            ArrowBuf md = r.getApplicationMetadata();
            if (md != null && md.readableBytes() > 0) {
                byte[] b = new byte[(int) md.readableBytes()];
                md.getBytes(md.readerIndex(), b);
                try {
                    rows += IngestAck.parseFrom(b).getRowCount();
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException("ingest handler sent an unreadable ack", e);
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            delegate.onError(t);
        }

        @Override
        public void onCompleted() {
            sendMetadata(allocator, delegate, DoPutUpdateResult.newBuilder().setRecordCount(rows).build());
            delegate.onCompleted();
        }
    }

    /** Plain Flight DoPut (a path descriptor naming the table) goes to the ingest handler as before. */
    @Override
    public Runnable acceptPut(CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
        FlightDescriptor d = flightStream.getDescriptor();
        if (!d.isCommand()) {
            List<String> path = d.getPath();
            return () -> {
                if (path.isEmpty() || path.size() > 2) {
                    ackStream.onError(FlightErrors.invalid("DoPut needs a path descriptor [table] or [table, batchIdPrefix]"));
                    return;
                }
                ingest.ingest(path.get(0), path.size() > 1 ? path.get(1) : "", "", flightStream, ackStream);
            };
        }
        return FlightSqlProducer.super.acceptPut(context, flightStream, ackStream);
    }

    /** Sends one PutResult whose application metadata is {@code message}. */
    private static void sendMetadata(BufferAllocator allocator, StreamListener<PutResult> acks, Message message) {
        byte[] body = message.toByteArray();
        ArrowBuf buf = allocator.buffer(Math.max(1, body.length));
        buf.setBytes(0, body);
        buf.writerIndex(body.length);
        try (PutResult result = PutResult.metadata(buf)) { // the result owns buf; onNext copies it into the message
            acks.onNext(result);
        }
    }

    // ---- cancellation ----

    @Override
    public void cancelFlightInfo(CancelFlightInfoRequest request, CallContext context, StreamListener<CancelStatus> listener) {
        boolean any = false;
        for (FlightEndpoint e : request.getInfo().getEndpoints()) {
            String id = QueryTicket.queryIdOf(e.getTicket());
            if (id != null) {
                running.cancel(id);
                any = true;
            }
        }
        listener.onNext(any ? CancelStatus.CANCELLED : CancelStatus.NOT_CANCELLABLE);
        listener.onCompleted();
    }

    /** Flight's ListFlights has no meaning here: queries are not named flights. */
    @Override
    public void listFlights(CallContext context, org.apache.arrow.flight.Criteria criteria, StreamListener<FlightInfo> listener) {
        listener.onCompleted();
    }

    // ---- metadata ----

    /** Metadata FlightInfos: the ticket is the command itself, the schema the spec's. */
    private static FlightInfo metadataInfo(Message command, FlightDescriptor descriptor, Schema schema) {
        return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(new Ticket(Any.pack(command).toByteArray()))), -1, -1);
    }

    private void sendRoot(ServerStreamListener listener, Function<BufferAllocator, VectorSchemaRoot> build) {
        try (BufferAllocator child = allocator.newChildAllocator("metadata", 0, allocator.getLimit());
             VectorSchemaRoot root = build.apply(child)) {
            listener.start(root);
            listener.putNext();
            listener.completed();
        } catch (RuntimeException e) {
            listener.error(FlightErrors.from(e));
        }
    }

    @Override
    public FlightInfo getFlightInfoSqlInfo(CommandGetSqlInfo request, CallContext context, FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_SQL_INFO_SCHEMA);
    }

    @Override
    public void getStreamSqlInfo(CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
        sqlInfo.send(command.getInfoList(), listener);
    }

    @Override
    public FlightInfo getFlightInfoTypeInfo(CommandGetXdbcTypeInfo request, CallContext context, FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_TYPE_INFO_SCHEMA);
    }

    @Override
    public void getStreamTypeInfo(CommandGetXdbcTypeInfo request, CallContext context, ServerStreamListener listener) {
        sendRoot(listener, a -> metadata.typeInfo(request, a));
    }

    @Override
    public FlightInfo getFlightInfoCatalogs(CommandGetCatalogs request, CallContext context, FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_CATALOGS_SCHEMA);
    }

    @Override
    public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
        sendRoot(listener, a -> CatalogMetadata.empty(Schemas.GET_CATALOGS_SCHEMA, a));
    }

    @Override
    public FlightInfo getFlightInfoSchemas(CommandGetDbSchemas request, CallContext context, FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_SCHEMAS_SCHEMA);
    }

    @Override
    public void getStreamSchemas(CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
        sendRoot(listener, a -> metadata.schemas(command, a));
    }

    @Override
    public FlightInfo getFlightInfoTables(CommandGetTables request, CallContext context, FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, request.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA);
    }

    @Override
    public void getStreamTables(CommandGetTables command, CallContext context, ServerStreamListener listener) {
        sendRoot(listener, a -> metadata.tables(command, a));
    }

    @Override
    public FlightInfo getFlightInfoTableTypes(CommandGetTableTypes request, CallContext context, FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_TABLE_TYPES_SCHEMA);
    }

    @Override
    public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
        sendRoot(listener, metadata::tableTypes);
    }

    @Override
    public FlightInfo getFlightInfoPrimaryKeys(CommandGetPrimaryKeys request, CallContext context, FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_PRIMARY_KEYS_SCHEMA);
    }

    /** Quiver tables have no primary key (rows are deduplicated by batch id, not by key). */
    @Override
    public void getStreamPrimaryKeys(CommandGetPrimaryKeys command, CallContext context, ServerStreamListener listener) {
        sendRoot(listener, a -> CatalogMetadata.empty(Schemas.GET_PRIMARY_KEYS_SCHEMA, a));
    }

    @Override
    public FlightInfo getFlightInfoExportedKeys(CommandGetExportedKeys request, CallContext context, FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_EXPORTED_KEYS_SCHEMA);
    }

    @Override
    public FlightInfo getFlightInfoImportedKeys(CommandGetImportedKeys request, CallContext context, FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_IMPORTED_KEYS_SCHEMA);
    }

    @Override
    public FlightInfo getFlightInfoCrossReference(CommandGetCrossReference request, CallContext context, FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_CROSS_REFERENCE_SCHEMA);
    }

    @Override
    public void getStreamExportedKeys(CommandGetExportedKeys command, CallContext context, ServerStreamListener listener) {
        sendRoot(listener, a -> CatalogMetadata.empty(Schemas.GET_EXPORTED_KEYS_SCHEMA, a));
    }

    @Override
    public void getStreamImportedKeys(CommandGetImportedKeys command, CallContext context, ServerStreamListener listener) {
        sendRoot(listener, a -> CatalogMetadata.empty(Schemas.GET_IMPORTED_KEYS_SCHEMA, a));
    }

    @Override
    public void getStreamCrossReference(CommandGetCrossReference command, CallContext context, ServerStreamListener listener) {
        sendRoot(listener, a -> CatalogMetadata.empty(Schemas.GET_CROSS_REFERENCE_SCHEMA, a));
    }

    // ---- lifecycle and introspection ----

    /** Result streams running now. */
    public int runningStreams() {
        return running.size();
    }

    public int openPreparedStatements() {
        return prepared.size();
    }

    @Override
    public void close() throws InterruptedException {
        streams.shutdownNow();
        streams.awaitTermination(5, TimeUnit.SECONDS);
    }
}
