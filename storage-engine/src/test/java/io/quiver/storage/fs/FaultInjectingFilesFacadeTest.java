package io.quiver.storage.fs;

import io.quiver.storage.fs.FaultInjectingFilesFacade.Op;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultInjectingFilesFacadeTest {
    @TempDir
    Path dir;

    private final FaultInjectingFilesFacade fs = new FaultInjectingFilesFacade();

    private FileChannel open(String name) throws IOException {
        return fs.open(dir.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    }

    @Test
    void failsExactlyTheNthMatchingCallOnMatchingFiles() throws IOException {
        FileChannel a = open("a.log");
        FileChannel b = open("b.dat");
        FaultInjectingFilesFacade.Rule rule = fs.rule(Op.FORCE).onFiles(".*\\.log").nth(2).times(2).fail();
        fs.force(b, false); // other file: not counted by the rule
        assertDoesNotThrow(() -> fs.force(a, false));
        assertThrows(IOException.class, () -> fs.force(a, false));
        assertThrows(IOException.class, () -> fs.force(a, false));
        assertDoesNotThrow(() -> fs.force(a, false));
        assertEquals(2, rule.fired());
        assertEquals(5, fs.calls(Op.FORCE));
        assertEquals(4, fs.calls(Op.FORCE, "a\\.log"));
        fs.close(a);
        fs.close(b);
    }

    @Test
    void partialWriteWritesAPrefixThenFails() throws IOException {
        FileChannel ch = open("w.log");
        fs.rule(Op.WRITE).partialWrite(3);
        ByteBuffer src = ByteBuffer.wrap(new byte[]{1, 2, 3, 4, 5});
        IOException e = assertThrows(IOException.class, () -> fs.write(ch, src, 0));
        assertTrue(e.getMessage().contains("w.log"), e.getMessage());
        assertEquals(3, src.position());
        assertEquals(3, Files.size(dir.resolve("w.log")));
        fs.write(ch, ByteBuffer.wrap(new byte[]{9}), 3);
        assertEquals(4, Files.size(dir.resolve("w.log")));
        fs.close(ch);
    }

    @Test
    void shortReadsAndDiskFull() throws IOException {
        FileChannel ch = open("r.log");
        fs.write(ch, ByteBuffer.wrap(new byte[100]), 0);
        fs.rule(Op.READ).always().shortRead(7);
        ByteBuffer dst = ByteBuffer.allocate(50);
        assertEquals(7, fs.read(ch, dst, 0));
        assertEquals(7, dst.position());
        fs.setDiskFull(true);
        IOException e = assertThrows(IOException.class, () -> fs.write(ch, ByteBuffer.wrap(new byte[1]), 0));
        assertEquals(FaultInjectingFilesFacade.DISK_FULL_MESSAGE, e.getMessage());
        fs.setDiskFull(false);
        fs.write(ch, ByteBuffer.wrap(new byte[1]), 100);
        fs.close(ch);
    }

    @Test
    void atomicMoveMatchesEitherNameAndHooksRun() throws IOException {
        Files.write(dir.resolve("x.tmp"), new byte[1]);
        fs.rule(Op.ATOMIC_MOVE).onFiles("x\\.final").fail();
        assertThrows(IOException.class, () -> fs.atomicMove(dir.resolve("x.tmp"), dir.resolve("x.final")));
        int[] seen = new int[1];
        fs.rule(Op.FSYNC_DIRECTORY).always().run(() -> seen[0]++);
        fs.atomicMove(dir.resolve("x.tmp"), dir.resolve("x.final"));
        fs.fsyncDirectory(dir);
        assertEquals(1, seen[0]);
        assertTrue(Files.exists(dir.resolve("x.final")));
        assertEquals(2, fs.calls(Op.ATOMIC_MOVE));
    }
}
