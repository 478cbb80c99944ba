package io.quiver.bench.flight;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Arrow's FlightSqlClient in a child JVM ({@link FlightReadClient}): the same java, JVM flags and
 * class path as this one, but its own heap ({@code heap}, instead of the server's) and none of this
 * JVM's recording or debugging options (a JFR or compilation log would write to the same file);
 * {@code extraJvmOptions} are added last (e.g. a JFR of the client). Its stderr goes to this
 * process's stderr.
 */
final class ChildFlightReader implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final Writer in;

    ChildFlightReader(String host, int port, int clientWindow, int clientFrame, String heap, List<String> extraJvmOptions) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(inheritedJvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        cmd.add("-Xms" + heap);
        cmd.add("-Xmx" + heap);
        cmd.addAll(extraJvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(FlightReadClient.class.getName());
        cmd.add(host);
        cmd.add(Integer.toString(port));
        cmd.add(Integer.toString(clientWindow));
        cmd.add(Integer.toString(clientFrame));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        // the server's allocator tuning (ops/lib/jdk.sh) is the server's: a BI tool's JVM runs without it
        builder.environment().remove("GLIBC_TUNABLES");
        process = builder.start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String line;
        while ((line = out.readLine()) != null && !line.equals(FlightReadClient.READY)) {
            // not the protocol's
        }
        if (line == null) {
            close();
            throw new IOException("the Flight read client exited before it was ready [exit=" + exitCode() + ", command=" + cmd + ']');
        }
    }

    /** This JVM's options minus the heap size and anything that writes to a file or waits for a debugger. */
    static List<String> inheritedJvmOptions(List<String> args) {
        List<String> kept = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("-Xms") || a.startsWith("-Xmx") || a.startsWith("-XX:StartFlightRecording") || a.startsWith("-XX:FlightRecorderOptions")
                    || a.startsWith("-Xlog") || a.startsWith("-XX:LogFile") || a.startsWith("-XX:+LogCompilation") || a.startsWith("-agentlib:jdwp")
                    || a.startsWith("-XX:+PrintCompilation") || a.startsWith("-javaagent") || a.startsWith("-XX:CompileCommand")) {
                continue;
            }
            kept.add(a);
        }
        return kept;
    }

    /** One whole read of the bench's SELECT; the tally's CPU is the child process's during the read. */
    StreamTally read() throws IOException {
        in.write(FlightReadClient.READ + "\n");
        in.flush();
        String line;
        while ((line = out.readLine()) != null) {
            StreamTally t = FlightReadClient.parse(line);
            if (t != null) {
                return t;
            }
        }
        throw new IOException("the Flight read client exited mid-read [exit=" + exitCode() + ']');
    }

    private String exitCode() {
        try {
            return process.waitFor(10, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (process.isAlive()) {
                in.write(FlightReadClient.QUIT + "\n");
                in.flush();
            }
        } catch (IOException e) {
            // the child is gone already: nothing to tell it
        } finally {
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
