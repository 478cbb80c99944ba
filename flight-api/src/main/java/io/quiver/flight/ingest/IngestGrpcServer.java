package io.quiver.flight.ingest;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;

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
     * The same service whose request parser turns undecodable bytes into INVALID_ARGUMENT: by default
     * gRPC reports a malformed request as an opaque server-side error, which reads like a server bug.
     */
    static ServerServiceDefinition strictParsing(ServerServiceDefinition def) {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(def.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> m : def.getMethods()) {
            b.addMethod(strict(m));
        }
        return b.build();
    }

    private static <Q, R> ServerMethodDefinition<Q, R> strict(ServerMethodDefinition<Q, R> m) {
        MethodDescriptor<Q, R> d = m.getMethodDescriptor();
        MethodDescriptor.Marshaller<Q> inner = d.getRequestMarshaller();
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
                    throw Status.INVALID_ARGUMENT.withDescription("malformed protobuf request [method=" + d.getFullMethodName()
                            + ", cause=" + e.getStatus().getDescription() + ']').withCause(e).asRuntimeException();
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
