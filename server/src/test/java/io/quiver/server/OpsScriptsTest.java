package io.quiver.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ops scripts find a JDK 25+ themselves, and say clearly when there is none. */
class OpsScriptsTest {
    private static final Path OPS = Path.of("..", "ops").toAbsolutePath().normalize();

    private record Run(int exit, String output) {}

    private static Run bash(String script, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-c", script)).directory(OPS.getParent().toFile()).redirectErrorStream(true);
        pb.environment().remove("JAVA_HOME");
        pb.environment().remove("GLIBC_TUNABLES"); // the machine's own setting would stand in for the launchers' default
        pb.environment().remove("QUIVER_MALLOC");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    @Test
    void noSuitableJdkFailsWithAClearMessage(@TempDir Path emptyJvmDir) throws Exception {
        Run r = bash("ops/quiver-test -v", Map.of("QUIVER_JDK_SEARCH_DIR", emptyJvmDir.toString()));
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("no JDK 25 or newer found"), r.output());
        assertTrue(r.output().contains(emptyJvmDir.toString()), r.output());
    }

    @Test
    void aJdkUnderTheSearchDirectoryIsFoundWhenJavaHomeIsUnset(@TempDir Path jvmDir) throws Exception {
        Path thisJdk = Path.of(System.getProperty("java.home"));
        Files.createSymbolicLink(jvmDir.resolve("some-jdk-25"), thisJdk);
        Run r = bash(". ops/lib/jdk.sh && echo \"found=$JAVA_HOME\"", Map.of("QUIVER_JDK_SEARCH_DIR", jvmDir.toString()));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("found=" + jvmDir.resolve("some-jdk-25")), r.output());
    }

    @Test
    void anOldJavaHomeIsPassedOverForANewerJdk(@TempDir Path jvmDir) throws Exception {
        Path thisJdk = Path.of(System.getProperty("java.home"));
        Files.createSymbolicLink(jvmDir.resolve("jdk-25"), thisJdk);
        Path old = jvmDir.resolve("old-jdk");
        Files.createDirectories(old.resolve("bin"));
        Path fakeJava = old.resolve("bin/java");
        Files.writeString(fakeJava, "#!/bin/sh\necho '    java.specification.version = 17' >&2\n");
        Files.copy(fakeJava, old.resolve("bin/javac"));
        fakeJava.toFile().setExecutable(true);
        old.resolve("bin/javac").toFile().setExecutable(true);
        Run r = bash(". ops/lib/jdk.sh && echo \"found=$JAVA_HOME\"",
                Map.of("QUIVER_JDK_SEARCH_DIR", jvmDir.toString(), "JAVA_HOME", old.toString()));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("found=" + jvmDir.resolve("jdk-25")), r.output());
    }

    @Test
    void theContainerStartsTheServerWithTheLaunchersJvmSettings() throws Exception {
        // the image does not run ops/quiver-server (no bash build step at run time), so its entry
        // point repeats the launcher's JVM settings; each -D and -XX of the launcher must be there
        String launcher = Files.readString(OPS.resolve("quiver-server"));
        String execLine = launcher.lines().filter(l -> l.startsWith("exec java")).findFirst().orElseThrow();
        String container = Files.readString(OPS.resolve("container/Containerfile"));
        List<String> settings = java.util.Arrays.stream(execLine.split("\\s+"))
                .filter(t -> t.startsWith("-D") || t.startsWith("-XX:")).toList();
        assertTrue(settings.contains("-XX:+AlwaysPreTouch"), execLine);
        for (String setting : settings) {
            assertTrue(container.contains(setting), "Containerfile misses " + setting);
        }
    }

    @Test
    void hugePagesForTheHeapOnlyWhereTheKernelOffersThemAndNotWhenTurnedOff(@TempDir Path sys) throws Exception {
        Path thp = sys.resolve("enabled");
        String probe = ". ops/lib/jdk.sh && echo \"flags=[$(quiver_thp_flags)]\"";
        Map<String, String> expected = Map.of(
                "always [madvise] never", "flags=[-XX:+UseTransparentHugePages]",
                "[always] madvise never", "flags=[-XX:+UseTransparentHugePages]",
                "always madvise [never]", "flags=[]");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Files.writeString(thp, e.getKey() + "\n");
            Run r = bash(probe, Map.of("QUIVER_THP_SYSFS", thp.toString()));
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains(e.getValue()), e.getKey() + " -> " + r.output());
        }
        Files.writeString(thp, "always [madvise] never\n");
        Run off = bash(probe, Map.of("QUIVER_THP_SYSFS", thp.toString(), "QUIVER_THP", "off"));
        assertTrue(off.output().contains("flags=[]"), off.output());
        Run noFile = bash(probe, Map.of("QUIVER_THP_SYSFS", sys.resolve("absent").toString()));
        assertTrue(noFile.output().contains("flags=[]"), noFile.output());
        for (String launcher : List.of("quiver-server", "quiver-bench")) {
            String exec = Files.readString(OPS.resolve(launcher)).lines().filter(l -> l.startsWith("exec java")).findFirst().orElseThrow();
            assertTrue(exec.contains("$(quiver_thp_flags)"), launcher + ": " + exec);
        }
        assertTrue(Files.readString(OPS.resolve("container/Containerfile")).contains("-XX:+UseTransparentHugePages"));
    }

    /**
     * The launchers hand glibc its malloc settings (freed native memory kept for reuse), unless the
     * operator set GLIBC_TUNABLES (theirs wins) or QUIVER_MALLOC=default.
     */
    @Test
    void mallocTunablesUnlessTheOperatorSaysOtherwise() throws Exception {
        String probe = ". ops/lib/jdk.sh && echo \"tunables=[$(quiver_malloc_tunables)]\"";
        Run tuned = bash(probe, Map.of());
        assertTrue(tuned.output().contains("tunables=[glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=33554432]"),
                tuned.output());
        Run theirs = bash(probe, Map.of("GLIBC_TUNABLES", "glibc.malloc.arena_max=2"));
        assertTrue(theirs.output().contains("tunables=[glibc.malloc.arena_max=2]"), theirs.output());
        Run plain = bash(probe, Map.of("QUIVER_MALLOC", "default"));
        assertTrue(plain.output().contains("tunables=[]"), plain.output());
        String tunables = "glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=33554432";
        for (String launcher : List.of("quiver-server", "quiver-bench")) {
            String script = Files.readString(OPS.resolve(launcher));
            assertTrue(script.contains("GLIBC_TUNABLES=\"$(quiver_malloc_tunables)\"") && script.indexOf("quiver_malloc_tunables")
                    < script.indexOf("exec java"), launcher + " does not export the tunables before it starts java");
        }
        assertTrue(Files.readString(OPS.resolve("container/Containerfile")).contains("ENV GLIBC_TUNABLES=" + tunables));
    }
}
