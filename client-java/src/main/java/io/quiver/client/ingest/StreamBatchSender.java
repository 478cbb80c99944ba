package io.quiver.client.ingest;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.quiver.proto.v1.IngestAck;
import io.quiver.proto.v1.IngestServiceGrpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends attempts over one long-lived {@code IngestStream}, many in flight, matched to acks by batch
 * id. When the stream fails (server gone, restarted, or an ack overdue and the stream cancelled),
 * every attempt on it is reported failed, so the ingestor retries those batches, and the next send
 * opens a fresh stream. Sends are serialised: a gRPC request observer is not thread-safe.
 */
final class StreamBatchSender implements BatchSender {
    private final IngestServiceGrpc.IngestServiceStub stub;
    private final Listener listener;
    private final long ackTimeoutNanos;
    private Stream current; // guarded by this

    StreamBatchSender(IngestServiceGrpc.IngestServiceStub stub, Listener listener, long ackTimeoutNanos) {
        this.stub = stub;
        this.listener = listener;
        this.ackTimeoutNanos = ackTimeoutNanos;
    }

    @Override
    public void send(SealedBatch batch) {
        Stream s;
        synchronized (this) {
            s = current;
            if (s == null) {
                s = new Stream();
                ClientCalls.asyncBidiStreamingCall(stub.getChannel().newCall(EncodedRequest.INGEST_STREAM, stub.getCallOptions()), s);
                current = s;
            }
            s.pending.put(batch.batchId, batch);
            try {
                s.requests.onNext(batch.request);
                return;
            } catch (RuntimeException e) {
                s.requests.cancel("send failed", e);
            }
        }
        s.fail(Status.UNAVAILABLE.withDescription("stream send failed").asRuntimeException());
    }

    @Override
    public void checkTimeouts(long nowNanos) {
        Stream s;
        synchronized (this) {
            s = current;
        }
        if (s == null) {
            return;
        }
        for (SealedBatch b : s.pending.values()) {
            if (nowNanos - b.attemptSentNanos > ackTimeoutNanos) {
                // The server or network stalled: give up on this stream; its batches are retried on a new one.
                s.requests.cancel("ack overdue [batchId=" + b.batchId + ']', null);
                return;
            }
        }
    }

    @Override
    public void close() {
        Stream s;
        synchronized (this) {
            s = current;
            current = null;
        }
        if (s != null) {
            if (s.pending.isEmpty()) {
                s.requests.onCompleted();
            } else {
                s.requests.cancel("client closing", null);
            }
        }
    }

    private final class Stream implements ClientResponseObserver<EncodedRequest, IngestAck> {
        final Map<String, SealedBatch> pending = new ConcurrentHashMap<>();
        ClientCallStreamObserver<EncodedRequest> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<EncodedRequest> requestStream) {
            this.requests = requestStream;
        }

        @Override
        public void onNext(IngestAck ack) {
            SealedBatch b = pending.remove(ack.getBatchId());
            if (b != null) {
                listener.acked(b, ack);
            }
        }

        @Override
        public void onError(Throwable t) {
            fail(t);
        }

        @Override
        public void onCompleted() {
            fail(Status.UNAVAILABLE.withDescription("server ended the ingest stream").asRuntimeException());
        }

        void fail(Throwable t) {
            synchronized (StreamBatchSender.this) {
                // Unpublished under the sender's lock: no send adds to this stream after this point.
                if (current == this) {
                    current = null;
                }
            }
            Failure f = Failure.fromThrowable(t);
            List<SealedBatch> orphans = new ArrayList<>(pending.values());
            for (SealedBatch b : orphans) {
                if (pending.remove(b.batchId, b)) {
                    listener.failed(b, f);
                }
            }
        }
    }
}
