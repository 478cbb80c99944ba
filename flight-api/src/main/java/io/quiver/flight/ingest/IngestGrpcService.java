package io.quiver.flight.ingest;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quiver.proto.v1.ColumnSchema;
import io.quiver.proto.v1.CreateTableRequest;
import io.quiver.proto.v1.CreateTableResponse;
import io.quiver.proto.v1.DescribeTableRequest;
import io.quiver.proto.v1.DescribeTableResponse;
import io.quiver.proto.v1.IngestAck;
import io.quiver.proto.v1.IngestServiceGrpc;
import io.quiver.proto.v1.ListTablesRequest;
import io.quiver.proto.v1.ListTablesResponse;
import io.quiver.proto.v1.PartitionBy;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import io.quiver.storage.TableSchema;
import io.quiver.storage.table.AppendResult;
import io.quiver.storage.table.Table;
import io.quiver.storage.vector.RowBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gRPC {@code quiver.v1.IngestService}: decodes batches, applies them through the
 * {@link TableWriter} and acknowledges each once durable. The stream call bounds the batches it
 * holds per stream ({@code maxInFlightPerStream}) with gRPC's manual flow control, so a fast client
 * waits on HTTP/2 windows instead of filling server memory. Requests are read by
 * {@link IngestRequestReader} (its own marshaller), not protobuf-java's generated parser.
 */
public final class IngestGrpcService {
    private static final Logger LOG = LoggerFactory.getLogger(IngestGrpcService.class);

    private final TableWriter writer;
    private final int maxInFlightPerStream;

    public IngestGrpcService(TableWriter writer, int maxInFlightPerStream) {
        this.writer = writer;
        this.maxInFlightPerStream = maxInFlightPerStream;
    }

    /**
     * The service definition: the ingest methods read their requests with {@link IngestRequestReader},
     * the schema calls use the generated protobuf marshallers.
     */
    public ServerServiceDefinition bindService() {
        MethodDescriptor<WireBatch, IngestAck> ingest = IngestServiceGrpc.getIngestMethod()
                .toBuilder(IngestRequestReader.MARSHALLER, IngestServiceGrpc.getIngestMethod().getResponseMarshaller()).build();
        MethodDescriptor<WireBatch, IngestAck> stream = IngestServiceGrpc.getIngestStreamMethod()
                .toBuilder(IngestRequestReader.MARSHALLER, IngestServiceGrpc.getIngestStreamMethod().getResponseMarshaller()).build();
        return ServerServiceDefinition.builder(IngestServiceGrpc.SERVICE_NAME)
                .addMethod(ingest, ServerCalls.asyncUnaryCall(this::ingest))
                .addMethod(stream, ServerCalls.asyncBidiStreamingCall(this::ingestStream))
                .addMethod(IngestServiceGrpc.getCreateTableMethod(), ServerCalls.asyncUnaryCall(this::createTable))
                .addMethod(IngestServiceGrpc.getDescribeTableMethod(), ServerCalls.asyncUnaryCall(this::describeTable))
                .addMethod(IngestServiceGrpc.getListTablesMethod(), ServerCalls.asyncUnaryCall(this::listTables))
                .build();
    }

    /** Decodes and writes one request; fails the future with an {@link IngestFailure}. */
    CompletableFuture<IngestAck> write(WireBatch request) {
        try {
            if (request.malformed() != null) {
                throw IngestFailure.invalid("malformed protobuf request [cause=" + request.malformed() + ']');
            }
            IngestLimits limits = writer.limits();
            ProtoBatchDecoder.checkRowCount(request.table(), request.rowCount(), limits);
            List<ColumnDef> incoming = ProtoBatchDecoder.incomingColumns(request, limits);
            TableWriter.Plan plan = writer.plan(request.table(), incoming, request.timestampColumn());
            RowBatch batch = ProtoBatchDecoder.decode(request, plan, limits);
            // Capture the id, not the request: the decoded batch holds the values now.
            String batchId = request.batchId();
            return writer.write(plan, batchId, batch).handle((r, t) -> {
                if (t != null) {
                    throw IngestFailure.from(t);
                }
                return ack(batchId, r);
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(IngestFailure.from(e));
        }
    }

    private static IngestAck ack(String batchId, AppendResult r) {
        return IngestAck.newBuilder().setBatchId(batchId).setRowCount(r.rows()).setDuplicate(r.duplicate()).setSequence(r.seq()).build();
    }

    private static IngestFailure unwrap(Throwable t) {
        return IngestFailure.from(t);
    }

    void ingest(WireBatch request, StreamObserver<IngestAck> out) {
        String table = request.table();
        String batchId = request.batchId();
        write(request).whenComplete((ack, t) -> {
            if (t != null) {
                IngestFailure f = unwrap(t);
                logFailure(table, batchId, f);
                out.onError(f.toStatusException());
            } else {
                out.onNext(ack);
                out.onCompleted();
            }
        });
    }

    StreamObserver<WireBatch> ingestStream(StreamObserver<IngestAck> responses) {
        ServerCallStreamObserver<IngestAck> out = (ServerCallStreamObserver<IngestAck>) responses;
        return new StreamHandler(out);
    }

    /** One client stream: requests are written as they arrive; acks go back in completion order. */
    private final class StreamHandler implements StreamObserver<WireBatch> {
        private final ServerCallStreamObserver<IngestAck> out;
        private final AtomicInteger pending = new AtomicInteger();
        private volatile boolean halfClosed;
        private boolean finished; // guarded by out

        StreamHandler(ServerCallStreamObserver<IngestAck> out) {
            this.out = out;
            out.disableAutoRequest();
            out.request(maxInFlightPerStream);
            out.setOnCancelHandler(() -> {
                synchronized (out) {
                    finished = true; // the client went away; batches already taken still complete
                }
            });
        }

        @Override
        public void onNext(WireBatch request) {
            pending.incrementAndGet();
            String table = request.table(); // not the request: see write()
            String batchId = request.batchId();
            write(request).whenComplete((ack, t) -> {
                IngestAck answer;
                if (t != null) {
                    IngestFailure f = unwrap(t);
                    logFailure(table, batchId, f);
                    answer = IngestAck.newBuilder().setBatchId(batchId).setError(f.toProto()).build();
                } else {
                    answer = ack;
                }
                synchronized (out) { // acks complete on storage threads: serialise the observer
                    if (!finished) {
                        out.onNext(answer);
                        out.request(1);
                    }
                }
                if (pending.decrementAndGet() == 0 && halfClosed) {
                    complete();
                }
            });
        }

        @Override
        public void onError(Throwable t) {
            synchronized (out) {
                finished = true;
            }
        }

        @Override
        public void onCompleted() {
            halfClosed = true;
            if (pending.get() == 0) {
                complete();
            }
        }

        private void complete() {
            synchronized (out) {
                if (!finished) {
                    finished = true;
                    out.onCompleted();
                }
            }
        }
    }

    private static void logFailure(String table, String batchId, IngestFailure f) {
        if (f.code() == io.quiver.proto.v1.IngestError.Code.INTERNAL) {
            LOG.error("ingest failed [table={}, batchId={}]", table, batchId, f);
        } else {
            LOG.debug("ingest rejected [table={}, batchId={}, error={}]", table, batchId, f.getMessage());
        }
    }

    // ---------------------------------------------------------------- schema calls

    void createTable(CreateTableRequest request, StreamObserver<CreateTableResponse> out) {
        try {
            TableSchema schema = fromWire(request.getSchema());
            boolean created = true;
            Table t;
            try {
                t = writer.storage().createTable(schema);
            } catch (StorageException e) {
                if (e.kind() != StorageException.Kind.ALREADY_EXISTS || !request.getIfNotExists()) {
                    throw e;
                }
                t = writer.storage().tableOrThrow(schema.name());
                created = false;
            }
            out.onNext(CreateTableResponse.newBuilder().setSchema(toWire(t.schema())).setCreated(created).build());
            out.onCompleted();
        } catch (IOException e) {
            out.onError(Status.UNAVAILABLE.withDescription("create table failed: " + e).asRuntimeException());
        } catch (RuntimeException e) {
            out.onError(IngestFailure.from(e).toStatusException());
        }
    }

    void describeTable(DescribeTableRequest request, StreamObserver<DescribeTableResponse> out) {
        try {
            Table t = writer.storage().tableOrThrow(request.getTable());
            out.onNext(DescribeTableResponse.newBuilder().setSchema(toWire(t.schema())).setRowCount(t.rowCount()).build());
            out.onCompleted();
        } catch (RuntimeException e) {
            out.onError(IngestFailure.from(e).toStatusException());
        }
    }

    void listTables(ListTablesRequest request, StreamObserver<ListTablesResponse> out) {
        out.onNext(ListTablesResponse.newBuilder().addAllTables(writer.storage().tableNames()).build());
        out.onCompleted();
    }

    static TableSchema fromWire(io.quiver.proto.v1.TableSchema s) {
        List<ColumnDef> cols = new ArrayList<>();
        for (ColumnSchema c : s.getColumnsList()) {
            if (c.getType() == io.quiver.proto.v1.ColumnType.COLUMN_TYPE_UNSPECIFIED || c.getType() == io.quiver.proto.v1.ColumnType.UNRECOGNIZED) {
                throw IngestFailure.invalid("column has no type [table=" + s.getName() + ", column=" + c.getName() + ']', -1, c.getName());
            }
            cols.add(new ColumnDef(c.getName(), ColumnType.fromId(c.getType().getNumber())));
        }
        io.quiver.storage.PartitionBy partitionBy = switch (s.getPartitionBy()) {
            case PARTITION_BY_NONE -> io.quiver.storage.PartitionBy.NONE;
            case PARTITION_BY_HOUR -> io.quiver.storage.PartitionBy.HOUR;
            case PARTITION_BY_MONTH -> io.quiver.storage.PartitionBy.MONTH;
            case PARTITION_BY_YEAR -> io.quiver.storage.PartitionBy.YEAR;
            // no designated timestamp: the one partitioning that needs none
            default -> s.getTimestampColumn().isEmpty() ? io.quiver.storage.PartitionBy.NONE : io.quiver.storage.PartitionBy.DAY;
        };
        return new TableSchema(s.getName(), cols, s.getTimestampColumn(), s.getSortKeyList(), partitionBy, 1);
    }

    static io.quiver.proto.v1.TableSchema toWire(TableSchema s) {
        io.quiver.proto.v1.TableSchema.Builder b = io.quiver.proto.v1.TableSchema.newBuilder().setName(s.name())
                .setTimestampColumn(s.hasTimestamp() ? s.timestampColumn() : "").setVersion(s.version())
                .setPartitionBy(PartitionBy.valueOf("PARTITION_BY_" + s.partitionBy().name()));
        if (!s.hasTimestamp() || !s.sortKeyNames().equals(List.of(s.timestampColumn()))) {
            b.addAllSortKey(s.sortKeyNames());
        }
        for (ColumnDef c : s.columns()) {
            b.addColumns(ColumnSchema.newBuilder().setName(c.name()).setType(io.quiver.proto.v1.ColumnType.forNumber(c.type().id())));
        }
        return b.build();
    }
}
