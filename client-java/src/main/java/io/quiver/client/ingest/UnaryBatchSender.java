package io.quiver.client.ingest;

import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.quiver.proto.v1.IngestAck;
import io.quiver.proto.v1.IngestServiceGrpc;

import java.util.concurrent.TimeUnit;

/** One unary {@code Ingest} call per attempt, with the ack timeout as its deadline. */
final class UnaryBatchSender implements BatchSender {
    private final IngestServiceGrpc.IngestServiceStub stub;
    private final Listener listener;
    private final long ackTimeoutNanos;

    UnaryBatchSender(IngestServiceGrpc.IngestServiceStub stub, Listener listener, long ackTimeoutNanos) {
        this.stub = stub;
        this.listener = listener;
        this.ackTimeoutNanos = ackTimeoutNanos;
    }

    @Override
    public void send(SealedBatch batch) {
        IngestServiceGrpc.IngestServiceStub call = stub.withDeadlineAfter(ackTimeoutNanos, TimeUnit.NANOSECONDS);
        ClientCalls.asyncUnaryCall(call.getChannel().newCall(EncodedRequest.INGEST, call.getCallOptions()), batch.request, new StreamObserver<>() {
            @Override
            public void onNext(IngestAck ack) {
                listener.acked(batch, ack);
            }

            @Override
            public void onError(Throwable t) {
                listener.failed(batch, Failure.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    @Override
    public void close() {
    }
}
