package io.quiver.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Properties;

/**
 * Facts about the run that every result needs beside it (machine, JDK, date), and the JVM flags
 * from the root pom ({@code quiver.jvm.flags}, filtered into {@code bench.properties} at build
 * time) that forked benchmark JVMs must get.
 */
public final class BenchEnvironment {
    private static final String PROPERTIES = "/io/quiver/bench/bench.properties";

    private BenchEnvironment() {
    }

    /** The root pom's {@code quiver.jvm.flags}, split into arguments. */
    public static String[] jvmFlags() {
        String flags = System.getProperty("quiver.jvm.flags");
        if (flags == null || flags.isBlank() || flags.contains("${")) {
            flags = buildProperties().getProperty("quiver.jvm.flags", "");
        }
        if (flags.contains("${")) {
            throw new IllegalStateException("bench.properties was not filtered by Maven: rebuild bench with mvn package");
        }
        return flags.isBlank() ? new String[0] : flags.trim().split("\\s+");
    }

    private static Properties buildProperties() {
        Properties p = new Properties();
        try (InputStream in = BenchEnvironment.class.getResourceAsStream(PROPERTIES)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + PROPERTIES, e);
        }
        return p;
    }

    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Physical memory of the machine in GiB, or -1 when the JVM does not say. */
    public static double physicalMemoryGiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize() / (double) (1L << 30);
        }
        return -1;
    }

    /** One line: "2 cores, 23.4 GiB RAM, JDK 25.0.1 (Eclipse Adoptium), Linux 6.8, heap 4.0 GiB, 2026-11-23". */
    public static String describe() {
        return String.format(Locale.ROOT, "%d cores, %.1f GiB RAM, JDK %s (%s), %s %s, heap %.1f GiB, %s",
                cores(), physicalMemoryGiB(), System.getProperty("java.version"), System.getProperty("java.vendor"),
                System.getProperty("os.name"), System.getProperty("os.version"),
                Runtime.getRuntime().maxMemory() / (double) (1L << 30), LocalDate.now());
    }
}
