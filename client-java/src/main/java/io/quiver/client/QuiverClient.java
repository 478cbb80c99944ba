package io.quiver.client;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.quiver.client.ingest.BatchAck;
import io.quiver.client.ingest.ColumnBatch;
import io.quiver.client.ingest.IngestOptions;
import io.quiver.client.ingest.Ingestor;
import io.quiver.proto.v1.CreateTableRequest;
import io.quiver.proto.v1.CreateTableResponse;
import io.quiver.proto.v1.DescribeTableRequest;
import io.quiver.proto.v1.DescribeTableResponse;
import io.quiver.proto.v1.IngestServiceGrpc;
import io.quiver.proto.v1.ListTablesRequest;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A connection to a Quiver server's gRPC port: table management and ingest. Thread-safe; create one
 * per process and share it. {@link #close()} flushes and closes every ingestor it created, then
 * shuts the channel down.
 *
 * <pre>{@code
 * try (QuiverClient client = QuiverClient.builder("localhost", 9401).apiToken(token).build();
 *      Ingestor in = client.newIngestor()) {
 *     in.row("events").set("ts", Instant.now()).set("user_id", 42).set("event", "click").add();
 * }
 * }</pre>
 */
public final class QuiverClient implements AutoCloseable {
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel;
    private final IngestServiceGrpc.IngestServiceStub asyncStub;
    private final IngestServiceGrpc.IngestServiceBlockingStub blockingStub;
    private final Duration callTimeout;
    private final Set<Ingestor> ingestors = ConcurrentHashMap.newKeySet();
    private final String host;
    private final int flightPort;
    private final String apiToken;
    private io.quiver.client.query.QueryClient queries;
    private volatile boolean closed;

    private QuiverClient(Builder b) throws IOException {
        ChannelCredentials creds;
        if (b.tls) {
            TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
            if (b.trustCertificates != null) {
                tls.trustManager(b.trustCertificates.toFile());
            }
            creds = tls.build();
        } else {
            creds = InsecureChannelCredentials.create();
        }
        this.channel = Grpc.newChannelBuilderForAddress(b.host, b.port, creds)
                .maxInboundMessageSize(b.maxMessageBytes)
                .keepAliveTime(b.keepAlive.toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(20, TimeUnit.SECONDS)
                .build();
        IngestServiceGrpc.IngestServiceStub async = IngestServiceGrpc.newStub(channel);
        IngestServiceGrpc.IngestServiceBlockingStub blocking = IngestServiceGrpc.newBlockingStub(channel);
        if (b.apiToken != null) {
            CallCredentials token = new BearerToken(b.apiToken);
            async = async.withCallCredentials(token);
            blocking = blocking.withCallCredentials(token);
        }
        this.asyncStub = async;
        this.blockingStub = blocking;
        this.callTimeout = b.callTimeout;
        this.host = b.host;
        this.flightPort = b.flightPort;
        this.apiToken = b.apiToken;
    }

    /** The query side (Arrow Flight SQL on the flight port), connected on first use; closed with this client. */
    public synchronized io.quiver.client.query.QueryClient queries() {
        if (closed) {
            throw new IllegalStateException("client is closed");
        }
        if (queries == null) {
            queries = new io.quiver.client.query.QueryClient(host, flightPort, apiToken);
        }
        return queries;
    }

    /** Runs a query with optional {@code ?} parameters; close the returned stream. */
    public io.quiver.client.query.QueryStream query(String sql, Object... params) {
        return queries().query(sql, params);
    }

    /** Runs DDL or DML with optional {@code ?} parameters; returns the affected row count. */
    public long execute(String sql, Object... params) {
        return queries().execute(sql, params);
    }

    /** The Flight SQL JDBC driver URL for this server (plaintext, with the token when one is set). */
    public String jdbcUrl() {
        String url = "jdbc:arrow-flight-sql://" + host + ':' + flightPort + "/?useEncryption=false";
        return apiToken == null || apiToken.isEmpty() ? url : url + "&token=" + apiToken;
    }

    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /** A new ingestor with default options. */
    public Ingestor newIngestor() {
        return newIngestor(new IngestOptions());
    }

    public Ingestor newIngestor(IngestOptions options) {
        if (closed) {
            throw new IllegalStateException("client is closed");
        }
        Ingestor[] self = new Ingestor[1];
        Ingestor in = new Ingestor(asyncStub, options, () -> ingestors.remove(self[0]));
        self[0] = in;
        ingestors.add(in);
        return in;
    }

    /**
     * Writes one columnar batch with a unary call and waits for its ack: no batching and no retries
     * (reuse {@code batchId} to retry safely). For anything beyond a few calls use an {@link Ingestor}.
     */
    public BatchAck ingest(ColumnBatch batch, String batchId) {
        IngestOptions once = new IngestOptions().transport(IngestOptions.Transport.UNARY)
                .retryPolicy(io.quiver.client.ingest.RetryPolicy.NONE).batchIdPrefix(batchId).ackTimeout(callTimeout);
        try (Ingestor in = new Ingestor(asyncStub, once, () -> { })) {
            return in.write(batch).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuiverException("CANCELLED", "interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof QuiverException q ? q : new QuiverException("UNKNOWN", e.getCause().toString(), e.getCause());
        }
    }

    /** Creates a table; with {@code ifNotExists} an existing table is returned instead of failing ALREADY_EXISTS. */
    public TableDefinition createTable(TableDefinition table, boolean ifNotExists) {
        CreateTableResponse r = call(() -> blocking().createTable(CreateTableRequest.newBuilder()
                .setSchema(table.toWire()).setIfNotExists(ifNotExists).build()));
        return TableDefinition.fromWire(r.getSchema());
    }

    /** The table's schema and row count; fails with code NOT_FOUND when it does not exist. */
    public TableInfo describeTable(String table) {
        DescribeTableResponse r = call(() -> blocking().describeTable(DescribeTableRequest.newBuilder().setTable(table).build()));
        return new TableInfo(TableDefinition.fromWire(r.getSchema()), r.getRowCount());
    }

    public List<String> listTables() {
        return List.copyOf(call(() -> blocking().listTables(ListTablesRequest.getDefaultInstance())).getTablesList());
    }

    private IngestServiceGrpc.IngestServiceBlockingStub blocking() {
        return blockingStub.withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static <T> T call(java.util.function.Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            String description = e.getStatus().getDescription();
            throw new QuiverException(e.getStatus().getCode().name(), description == null ? e.getMessage() : description, e);
        }
    }

    /** Flushes and closes every ingestor, then the channel. Throws the first ingest error, if any. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (Ingestor in : new ArrayList<>(ingestors)) {
            try {
                in.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        synchronized (this) {
            if (queries != null) {
                try {
                    queries.close();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
        }
        channel.shutdown();
        try {
            if (!channel.awaitTermination(10, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.shutdownNow();
        }
        if (first != null) {
            throw first;
        }
    }

    /** Connection settings. */
    public static final class Builder {
        private final String host;
        private final int port;
        private String apiToken;
        private boolean tls;
        private Path trustCertificates;
        private int maxMessageBytes = 64 << 20;
        private Duration keepAlive = Duration.ofSeconds(30);
        private Duration callTimeout = Duration.ofSeconds(30);
        private int flightPort = 9402;

        private Builder(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            this.port = port;
        }

        /** Sent as {@code authorization: Bearer <token>} on every call. */
        public Builder apiToken(String token) {
            this.apiToken = token;
            return this;
        }

        /** Port of the Arrow Flight SQL endpoint, used by {@link QuiverClient#query} (default 9402). */
        public Builder flightPort(int port) {
            this.flightPort = port;
            return this;
        }

        /** Use TLS, trusting the JVM's default trust store. */
        public Builder tls(boolean on) {
            this.tls = on;
            return this;
        }

        /** Use TLS, trusting the PEM certificates in this file (e.g. a private CA). */
        public Builder trustCertificates(Path pem) {
            this.tls = true;
            this.trustCertificates = pem;
            return this;
        }

        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        /** Interval of HTTP/2 pings that keep idle connections alive through proxies and detect dead servers. */
        public Builder keepAlive(Duration interval) {
            this.keepAlive = interval;
            return this;
        }

        /** Deadline of table-management calls and of {@link QuiverClient#ingest}. */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = timeout;
            return this;
        }

        public QuiverClient build() {
            try {
                return new QuiverClient(this);
            } catch (IOException e) {
                throw new QuiverException("INVALID_ARGUMENT", "cannot read TLS certificates [file=" + trustCertificates + ']', e);
            }
        }
    }

    /** Adds the API token to every call's headers. */
    private static final class BearerToken extends CallCredentials {
        private final String header;

        BearerToken(String token) {
            this.header = "Bearer " + token;
        }

        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
            Metadata m = new Metadata();
            m.put(AUTHORIZATION, header);
            applier.apply(m);
        }
    }
}
