package io.quiver.storage.wal;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;

/**
 * The group-commit duty cycle of one {@link WalWriter}, run by an Agrona {@code AgentRunner} on its
 * own thread: each {@link #doWork} fsyncs the WAL if a sync is due and reports whether it did. The
 * runner catches every throwable and hands it to the writer's error handler.
 *
 * <p>Idling parks the thread until the next sync could be due (the group-commit deadline) or, with
 * nothing unsynced, for up to 100 ms; an append that makes data unsynced unparks it.
 */
final class WalFlusher implements Agent {
    private static final long MIN_PARK_NANOS = 20_000;
    private final WalWriter writer;
    private final String roleName;
    private volatile boolean stopping;

    WalFlusher(WalWriter writer, String roleName) {
        this.writer = writer;
        this.roleName = roleName;
    }

    @Override
    public int doWork() {
        if (stopping) {
            throw new AgentTerminationException("WAL writer closing");
        }
        return writer.syncIfDue();
    }

    @Override
    public String roleName() {
        return roleName;
    }

    /** Makes the next duty cycle end the runner; the caller then unparks the thread. */
    void stop() {
        stopping = true;
    }

    IdleStrategy idleStrategy() {
        return new ParkUntilSyncDue();
    }

    /** Parks for as long as no sync can become due, instead of spinning or sleeping a fixed time. */
    private final class ParkUntilSyncDue implements IdleStrategy {
        @Override
        public void idle(int workCount) {
            if (workCount == 0) {
                idle();
            }
        }

        @Override
        public void idle() {
            if (stopping) {
                return;
            }
            // A due sync that did not happen means rollover or close holds the sync lock (and is
            // fsyncing): back off briefly instead of spinning until it is done.
            LockSupport.parkNanos(this, Math.max(writer.nanosUntilSyncDue(), MIN_PARK_NANOS));
        }

        @Override
        public void reset() {
        }

        @Override
        public String alias() {
            return "park-until-sync-due";
        }
    }
}
