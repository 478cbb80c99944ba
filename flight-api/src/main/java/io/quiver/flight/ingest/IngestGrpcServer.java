package io.quiver.flight.ingest;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.quiver.proto.v1.IngestRequest;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The gRPC server (Netty transport) that carries {@link IngestGrpcService}. Owns its server; close it. */
public final class IngestGrpcServer implements AutoCloseable {
    private final Server server;

    private IngestGrpcServer(Server server) {
        this.server = server;
    }

    public static IngestGrpcServer start(GrpcIngestSettings s, IngestGrpcService service) throws IOException {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(s.host(), s.port()))
                .maxInboundMessageSize(s.maxMessageBytes())
                .keepAliveTime(s.keepAliveTimeMs(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(s.keepAliveTimeoutMs(), TimeUnit.MILLISECONDS)
                .permitKeepAliveTime(s.permitKeepAliveTimeMs(), TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxConcurrentCallsPerConnection(s.maxConcurrentStreams())
                .addService(strictParsing(service.bindService()))
                .build()
                .start();
        return new IngestGrpcServer(server);
    }

    public int port() {
        return server.getPort();
    }

    /**
     * The same service whose ingest calls report undecodable request bytes as INVALID_ARGUMENT. gRPC
     * turns a marshaller failure into an opaque UNKNOWN "application error", which reads like a server
     * bug; so the parser returns a marker request instead and the service answers it (see
     * {@link MalformedRequest}).
     */
    static ServerServiceDefinition strictParsing(ServerServiceDefinition def) {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(def.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> m : def.getMethods()) {
            b.addMethod(strict(m));
        }
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private static <Q, R> ServerMethodDefinition<Q, R> strict(ServerMethodDefinition<Q, R> m) {
        MethodDescriptor<Q, R> d = m.getMethodDescriptor();
        MethodDescriptor.Marshaller<Q> inner = d.getRequestMarshaller();
        if (!(d.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> proto)
                || !(proto.getMessagePrototype() instanceof IngestRequest)) {
            return m;
        }
        MethodDescriptor.Marshaller<Q> checked = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Q value) {
                return inner.stream(value);
            }

            @Override
            public Q parse(InputStream stream) {
                try {
                    return inner.parse(stream);
                } catch (StatusRuntimeException e) {
                    return (Q) MalformedRequest.marker(e.getStatus().getDescription() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
                }
            }
        };
        return ServerMethodDefinition.create(d.toBuilder().setRequestMarshaller(checked).build(), m.getServerCallHandler());
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }
}
