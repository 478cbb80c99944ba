package io.quiver.flight.sql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DirectFrameWrites.Rewriter} in a real Netty pipeline, with buffers shaped like Arrow's
 * zero-copy record batch message (a heap header, off-heap column buffers) sliced into DATA frames.
 */
class DirectFrameWritesTest {
    @Test
    void aMixedFrameReachesTheSocketAsADirectViewOfTheSameBytes() {
        ByteBuf header = Unpooled.wrappedBuffer(filled(new byte[200], 1));
        ByteBuf column1 = ByteBufAllocator.DEFAULT.directBuffer(40_000).writeBytes(filled(new byte[40_000], 2));
        ByteBuf column2 = ByteBufAllocator.DEFAULT.directBuffer(30_000).writeBytes(filled(new byte[30_000], 3));
        CompositeByteBuf message = Unpooled.compositeBuffer().addComponents(true, header, column1, column2);
        assertFalse(message.isDirect(), "Netty's NIO channel would copy this");
        byte[] expected = new byte[50_000];
        message.getBytes(100, expected);
        message.readerIndex(100);
        ByteBuf frame = message.readRetainedSlice(50_000); // what the HTTP/2 frame writer hands to the channel

        EmbeddedChannel ch = new EmbeddedChannel(new DirectFrameWrites.Rewriter(null));
        assertTrue(ch.writeOutbound(frame));
        ByteBuf written = ch.readOutbound();
        assertTrue(written.isDirect());
        assertEquals(50_000, written.readableBytes());
        byte[] got = new byte[50_000];
        written.getBytes(written.readerIndex(), got);
        assertArrayEqualsFast(expected, got);

        // the column bytes are viewed where they are, not copied: a change to the source shows through
        column1.setByte(10_000, 99);
        assertEquals(99, written.getByte(written.readerIndex() + 10_000 - 100 + 200));

        assertEquals(2, message.refCnt(), "the written buffer keeps the frame's reference");
        written.release();
        assertEquals(1, message.refCnt(), "released with the written buffer");
        message.release();
        assertEquals(0, column1.refCnt());
        assertFalse(ch.finish());
    }

    @Test
    void smallOrDirectWritesPassUnchanged() {
        EmbeddedChannel ch = new EmbeddedChannel(new DirectFrameWrites.Rewriter(null));
        ByteBuf small = Unpooled.wrappedBuffer(new byte[100]);
        ch.writeOutbound(small);
        assertSame(small, ch.readOutbound());
        ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(DirectFrameWrites.MIN_BYTES * 2).writeZero(DirectFrameWrites.MIN_BYTES * 2);
        ch.writeOutbound(direct);
        assertSame(direct, ch.readOutbound());
        ByteBuf heap = Unpooled.wrappedBuffer(new byte[DirectFrameWrites.MIN_BYTES * 2]); // all heap: nothing to gain
        ch.writeOutbound(heap);
        assertSame(heap, ch.readOutbound());
        small.release();
        direct.release();
        heap.release();
        assertFalse(ch.finish());
    }

    private static byte[] filled(byte[] b, int seed) {
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static void assertArrayEqualsFast(byte[] expected, byte[] got) {
        assertEquals(-1, java.util.Arrays.mismatch(expected, got), "first differing byte");
    }
}
