package io.quiver.client.ingest;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quiver.proto.v1.IngestAck;
import io.quiver.proto.v1.IngestError;
import io.quiver.proto.v1.IngestRequest;
import io.quiver.proto.v1.IngestServiceGrpc;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A scripted IngestService on a loopback port: records every request it receives and answers each
 * as {@link #behaviour} says (ack, error, or hold until the test releases it).
 */
final class FakeIngestServer implements AutoCloseable {
    /** What to do with one request. */
    sealed interface Reply permits Ack, Fail, Hold, BreakStream {}

    record Ack(boolean duplicate) implements Reply {}

    /** Unary: a status with the error in the trailer. Stream: an ack carrying the error. */
    record Fail(Status status, IngestError error) implements Reply {}

    /** Answer later: the ack is sent when {@link #releaseHeld()} is called. */
    record Hold() implements Reply {}

    /** Stream: fail the whole stream with this status (unary: fail the call). */
    record BreakStream(Status status) implements Reply {}

    final List<IngestRequest> received = new CopyOnWriteArrayList<>();
    private final List<Runnable> held = new CopyOnWriteArrayList<>();
    volatile Function<IngestRequest, Reply> behaviour = r -> new Ack(false);
    private final Server server;

    FakeIngestServer() throws IOException {
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new Service()).build().start();
    }

    int port() {
        return server.getPort();
    }

    int heldCount() {
        return held.size();
    }

    void releaseHeld() {
        List<Runnable> now = List.copyOf(held);
        held.removeAll(now);
        now.forEach(Runnable::run);
    }

    static IngestAck ackFor(IngestRequest r, boolean duplicate) {
        return IngestAck.newBuilder().setBatchId(r.getBatchId()).setRowCount(r.getRowCount()).setDuplicate(duplicate).build();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Service extends IngestServiceGrpc.IngestServiceImplBase {
        @Override
        public void ingest(IngestRequest request, StreamObserver<IngestAck> out) {
            received.add(request);
            switch (behaviour.apply(request)) {
                case Ack a -> {
                    out.onNext(ackFor(request, a.duplicate()));
                    out.onCompleted();
                }
                case Fail f -> {
                    Metadata trailers = new Metadata();
                    trailers.put(Failure.ERROR_KEY, f.error());
                    out.onError(f.status().asRuntimeException(trailers));
                }
                case Hold h -> held.add(() -> {
                    out.onNext(ackFor(request, false));
                    out.onCompleted();
                });
                case BreakStream b -> out.onError(b.status().asRuntimeException());
            }
        }

        @Override
        public StreamObserver<IngestRequest> ingestStream(StreamObserver<IngestAck> out) {
            return new StreamObserver<>() {
                private boolean broken;

                @Override
                public void onNext(IngestRequest request) {
                    received.add(request);
                    if (broken) {
                        return;
                    }
                    switch (behaviour.apply(request)) {
                        case Ack a -> send(ackFor(request, a.duplicate()));
                        case Fail f -> send(IngestAck.newBuilder().setBatchId(request.getBatchId()).setError(f.error()).build());
                        case Hold h -> held.add(() -> send(ackFor(request, false)));
                        case BreakStream b -> {
                            broken = true;
                            synchronized (out) {
                                out.onError(b.status().asRuntimeException());
                            }
                        }
                    }
                }

                private void send(IngestAck ack) {
                    synchronized (out) {
                        if (!broken) {
                            try {
                                out.onNext(ack);
                            } catch (RuntimeException e) {
                                // the stream was cancelled by the client: nothing to answer
                            }
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    synchronized (out) {
                        if (!broken) {
                            out.onCompleted();
                        }
                    }
                }
            };
        }
    }
}
