package io.quiver.bench.ingest;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Ack latency of every event: ack time minus the event's intended send time. With a fixed rate the
 * intended time comes from the schedule, not from when the producer got to send (which a backed-up
 * client delays): that is the coordinated-omission correction. Flat out, intended = actual add time.
 */
final class LatencyRecorder {
    private final Recorder recorder = new Recorder(3_600_000_000_000L, 3);
    private final Histogram total = new Histogram(3_600_000_000_000L, 3);
    private final Histogram interval = new Histogram(3_600_000_000_000L, 3);
    /** Events intended before this (the warm-up) are not recorded. */
    private volatile long measureFromNanos = Long.MIN_VALUE;

    void measureFrom(long nanos) {
        measureFromNanos = nanos;
    }

    long measureFromNanos() {
        return measureFromNanos;
    }

    /** Records the latency of every event of one acked batch. */
    void recordBatch(long ackNanos, long[] intendedNanos, int count) {
        long from = measureFromNanos;
        for (int i = 0; i < count; i++) {
            if (intendedNanos[i] - from >= 0) {
                recorder.recordValue(Math.max(0, ackNanos - intendedNanos[i]));
            }
        }
    }

    /** Latencies since the last call (also folded into the total). */
    synchronized Histogram interval() {
        Histogram h = recorder.getIntervalHistogram();
        total.add(h);
        interval.reset();
        interval.add(h);
        return interval;
    }

    synchronized Histogram total() {
        interval();
        return total;
    }
}
