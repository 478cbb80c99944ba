package io.quiver.server.ingest;

import io.quiver.proto.v1.IngestAck;
import io.quiver.server.QuiverServer;
import io.quiver.server.config.ServerConfig;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A Flight DoPut faster than the table's flushes: with a tiny memtable limit the table is full
 * again and again, and the stream must wait for room (backpressure) rather than fail, so every
 * batch is written and acknowledged.
 */
class FlightDoPutBackpressureTest {
    private static final long T0_MICROS = 1_795_392_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void aDoPutIntoAFullTableWaitsForFlushesInsteadOfFailing() throws Exception {
        try (QuiverServer server = QuiverServer.start(ServerConfig.load(new String[]{"--data.dir=" + dir, "--http.port=0",
                "--grpc.port=0", "--flight.port=0", "--storage.memtable.flush.bytes=524288",
                "--storage.memtable.max.bytes=2097152"}, Map.of()));
             BufferAllocator alloc = new RootAllocator();
             FlightClient flight = FlightClient.builder(alloc, Location.forGrpcInsecure("127.0.0.1", server.flightPort())).build();
             VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(
                     Field.nullable("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
                     Field.nullable("id", new ArrowType.Int(64, true)),
                     Field.nullable("payload", ArrowType.Utf8.INSTANCE))), alloc)) {
            AtomicLong ackedRows = new AtomicLong();
            FlightClient.ClientStreamListener put = flight.startPut(FlightDescriptor.path("full_table", "bp"), root, new AsyncPutListener() {
                @Override
                public void onNext(PutResult val) {
                    byte[] b = new byte[(int) val.getApplicationMetadata().readableBytes()];
                    val.getApplicationMetadata().getBytes(0, b);
                    try {
                        ackedRows.addAndGet(IngestAck.parseFrom(b).getRowCount());
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                }
            });
            int batches = 40;
            int rows = 2_000; // reserves ~0.65 MB of memtable: three batches fill the 2 MB limit
            byte[] payload = "x".repeat(60).getBytes(StandardCharsets.UTF_8);
            for (int batch = 0; batch < batches; batch++) {
                root.allocateNew();
                for (int i = 0; i < rows; i++) {
                    long n = (long) batch * rows + i;
                    ((TimeStampMicroTZVector) root.getVector("ts")).setSafe(i, T0_MICROS + n);
                    ((BigIntVector) root.getVector("id")).setSafe(i, n);
                    ((VarCharVector) root.getVector("payload")).setSafe(i, payload);
                }
                root.setRowCount(rows);
                put.putNext();
            }
            put.completed();
            put.getResult(); // throws if the server refused a batch
            assertEquals((long) batches * rows, ackedRows.get(), "every batch acknowledged");
            assertEquals((long) batches * rows, server.storage().tableOrThrow("full_table").rowCount(), "every row written");
        }
    }
}
