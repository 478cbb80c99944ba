package io.quiver.bench.flight;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.quiver.client.query.FlightChannels;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reads a statement's result the way an Arrow-native client does: Flight SQL {@code execute} ->
 * the one endpoint -> DoGet, every record batch received and touched (its buffer sizes, the
 * {@code id} column summed, the {@code url} offsets and {@code price} null count read). Owns its
 * allocator and client.
 */
final class FlightSqlStreamReader implements AutoCloseable {
    private final BufferAllocator allocator = new RootAllocator();
    private final FlightSqlClient client;

    /**
     * @param flowControlWindow the client's HTTP/2 receive window in bytes (how much the server may
     *                          send ahead of the reader); 0 keeps gRPC's default (1 MiB, grown by its
     *                          BDP-based auto-tuning)
     * @param maxFrameSize      the HTTP/2 frame size the client accepts, on client-java's
     *                          {@link FlightChannels} channel (composite cumulation); 0 = Arrow's stock
     *                          client builder (16 KiB frames, gRPC's merging cumulation)
     */
    FlightSqlStreamReader(String host, int port, int flowControlWindow, int maxFrameSize) {
        FlightClient flight;
        if (maxFrameSize > 0) {
            NettyChannelBuilder b = FlightChannels.builder(host, port, maxFrameSize);
            if (flowControlWindow > 0) {
                b.flowControlWindow(flowControlWindow);
            }
            flight = FlightGrpcUtils.createFlightClient(allocator, b.build()); // the client owns and closes the channel
        } else if (flowControlWindow > 0) {
            // Arrow's builder does not expose the window: build the channel ourselves (the client owns and closes it)
            ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().flowControlWindow(flowControlWindow)
                    .maxInboundMessageSize(Integer.MAX_VALUE).build();
            flight = FlightGrpcUtils.createFlightClient(allocator, channel);
        } else {
            flight = FlightClient.builder(allocator, Location.forGrpcInsecure(host, port)).build();
        }
        this.client = new FlightSqlClient(flight);
    }

    StreamTally read(String sql) throws Exception {
        long t0 = System.nanoTime();
        FlightInfo info = client.execute(sql);
        if (info.getEndpoints().size() != 1) {
            throw new IllegalStateException("expected one endpoint [endpoints=" + info.getEndpoints().size() + ']');
        }
        long rows = 0;
        long batches = 0;
        long bytes = 0;
        long checksum = 0;
        try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
            VectorSchemaRoot root = stream.getRoot();
            while (stream.next()) {
                int n = root.getRowCount();
                rows += n;
                batches++;
                bytes += bufferBytes(root);
                checksum += touch(root);
            }
        }
        return new StreamTally(rows, batches, bytes, checksum, System.nanoTime() - t0, 0);
    }

    /** Bytes of Arrow buffers in the batch: what every path is rated on. */
    static long bufferBytes(VectorSchemaRoot root) {
        long bytes = 0;
        for (FieldVector v : root.getFieldVectors()) {
            bytes += v.getBufferSize();
        }
        return bytes;
    }

    /** Reads every id, the URL bytes' extent and the price NULL count: proof the batch arrived whole. */
    static long touch(VectorSchemaRoot root) {
        int n = root.getRowCount();
        long checksum = 0;
        ArrowBuf ids = root.getVector(WideSelectDataset.ID).getDataBuffer();
        for (int i = 0; i < n; i++) {
            checksum += ids.getLong((long) i << 3);
        }
        ArrowBuf offsets = ((VarCharVector) root.getVector(WideSelectDataset.URL)).getOffsetBuffer();
        checksum += offsets.getInt((long) n << 2) - offsets.getInt(0);
        return checksum + root.getVector(WideSelectDataset.PRICE).getNullCount();
    }

    @Override
    public void close() throws Exception {
        try {
            client.close();
        } finally {
            allocator.close();
        }
    }
}
