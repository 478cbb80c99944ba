package io.quiver.flight.ingest;

import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.PutResult;

import java.util.List;

/**
 * A plain Flight producer that only accepts {@code DoPut}, for the flight port until the Flight SQL
 * producer takes it over (which then delegates DoPut to the same {@link FlightIngestHandler}).
 * Descriptor: path {@code [table]} or {@code [table, batchIdPrefix]}.
 */
public final class IngestFlightProducer extends NoOpFlightProducer {
    private final FlightIngestHandler handler;

    public IngestFlightProducer(FlightIngestHandler handler) {
        this.handler = handler;
    }

    @Override
    public Runnable acceptPut(CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> {
            FlightDescriptor d = flightStream.getDescriptor();
            List<String> path = d.isCommand() ? List.of() : d.getPath();
            if (path.isEmpty() || path.size() > 2) {
                ackStream.onError(CallStatus.INVALID_ARGUMENT
                        .withDescription("DoPut needs a path descriptor [table] or [table, batchIdPrefix]").toRuntimeException());
                return;
            }
            handler.ingest(path.get(0), path.size() > 1 ? path.get(1) : "", "", flightStream, ackStream);
        };
    }
}
