package io.quiver.client.query;

/**
 * Arrow Flight's cheaper receive path for this JVM. Arrow 18.3's Flight client reads each record
 * batch body into a fresh heap {@code byte[]} (allocated and zeroed per message) and copies that into
 * an {@code ArrowBuf}: two copies of every byte. With {@code arrow.flight.enable_zero_copy_read=true}
 * it copies straight from gRPC's receive buffers into the {@code ArrowBuf}: one copy, no garbage.
 * (Despite the name the batch does not alias gRPC's buffers, so it is as safe as the default.)
 *
 * <p>Arrow reads the property once, when its {@code ArrowMessage} class is first used, so this must
 * run before the first Flight client or server of the JVM is built; {@link QueryClient} calls it in
 * its static initializer. A value the user set (either way) is kept.
 */
public final class FlightReadPath {
    public static final String ZERO_COPY_READ = "arrow.flight.enable_zero_copy_read";

    private FlightReadPath() {
    }

    /** Turns the single-copy read on unless the property is already set; true when it is on. */
    public static boolean useSingleCopyRead() {
        String set = System.getProperty(ZERO_COPY_READ);
        if (set == null && System.getenv("ARROW_FLIGHT_ENABLE_ZERO_COPY_READ") == null) {
            System.setProperty(ZERO_COPY_READ, "true");
            return true;
        }
        return Boolean.parseBoolean(set);
    }
}
