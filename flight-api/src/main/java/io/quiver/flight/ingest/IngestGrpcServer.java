package io.quiver.flight.ingest;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
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
                .addService(service.bindService())
                .build()
                .start();
        return new IngestGrpcServer(server);
    }

    public int port() {
        return server.getPort();
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
