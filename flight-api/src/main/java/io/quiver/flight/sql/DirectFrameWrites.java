package io.quiver.flight.sql;

import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.NettyServerBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.AsciiString;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Keeps the Flight server's zero-copy write zero-copy. Arrow sends a record batch as one composite
 * buffer: a small heap part (the FlightData header, padding) and the batch's own off-heap Arrow
 * buffers. A composite with any heap part is not "direct", and Netty's NIO channel copies every
 * non-direct buffer it is asked to write into a fresh pooled direct buffer first. So every HTTP/2
 * DATA frame of a result (each a slice of that composite) was copied once more on the server's
 * event loop, with a pooled allocation and free per frame, before the socket write.
 *
 * <p>This handler sits between gRPC's HTTP/2 handler and the socket and rewrites such a buffer into
 * a direct composite of the same bytes: the off-heap parts are wrapped where they are, only the
 * heap parts (a few hundred bytes per message) are copied. The new buffer holds a reference to the
 * original and releases it when it is released itself (written or dropped).
 *
 * <p>It also raises the connection's write-buffer water marks. Netty's HTTP/2 flow controller only
 * moves DATA frames into the channel while the channel is writable, and Netty's default high mark
 * is 64 KiB: one 64 KiB frame at a time, each flushed in its own {@code writev} once the previous
 * one left, so a 10 M-row result took ~17,600 socket writes (perf: 65 KB per call). With a high mark
 * of a few record batches the same result goes out in ~700 writes of 1-2 MB, and the event loop
 * wakes a twentieth as often. What it costs: up to that many bytes of already-encoded result per
 * connection waiting for the socket (the buffers are the batch's own, nothing is copied).
 */
public final class DirectFrameWrites {
    /** Smaller writes are left to Netty: the copy is cheap and the rewrite would cost more. */
    static final int MIN_BYTES = 4096;

    private DirectFrameWrites() {
    }

    /**
     * For {@code FlightServer.Builder.transportHint("grpc.builderConsumer", ...)}: plaintext with the
     * handler in front, and {@code writeBufferBytes} as each connection's high-water mark (half of it
     * the low one).
     */
    public static Consumer<NettyServerBuilder> plaintextServer(int writeBufferBytes) {
        WriteBufferWaterMark marks = new WriteBufferWaterMark(writeBufferBytes / 2, writeBufferBytes);
        return b -> b.protocolNegotiator(new Negotiator(InternalProtocolNegotiators.serverPlaintext()))
                .withChildOption(ChannelOption.WRITE_BUFFER_WATER_MARK, marks);
    }

    /** gRPC's negotiator, with {@link Rewriter} placed between the socket and whatever it installs. */
    private static final class Negotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
        private final InternalProtocolNegotiator.ProtocolNegotiator delegate;

        Negotiator(InternalProtocolNegotiator.ProtocolNegotiator delegate) {
            this.delegate = delegate;
        }

        @Override
        public AsciiString scheme() {
            return delegate.scheme();
        }

        @Override
        public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
            return new Rewriter(delegate.newHandler(grpcHandler));
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** The outbound handler; on joining the pipeline it puts gRPC's negotiation handler right after itself. */
    static final class Rewriter extends ChannelOutboundHandlerAdapter {
        private final ChannelHandler next;

        /** @param next the handler to install after this one, or null */
        Rewriter(ChannelHandler next) {
            this.next = next;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (next != null) {
                ctx.pipeline().addAfter(ctx.name(), null, next);
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf buf && !buf.isDirect() && buf.readableBytes() >= MIN_BYTES) {
                ByteBuf direct = asDirect(ctx.alloc(), buf);
                if (direct != null) {
                    ctx.write(direct, promise);
                    return;
                }
            }
            ctx.write(msg, promise);
        }
    }

    /**
     * The readable bytes of {@code buf} as a direct buffer that owns {@code buf}'s reference, or null
     * (nothing done) when most of it is on the heap anyway or it has no NIO views.
     */
    static ByteBuf asDirect(ByteBufAllocator alloc, ByteBuf buf) {
        if (buf.nioBufferCount() <= 0) {
            return null; // a buffer type without NIO views: Netty's own path handles it
        }
        ByteBuffer[] parts = buf.nioBuffers();
        long heapBytes = 0;
        for (ByteBuffer p : parts) {
            if (!p.isDirect()) {
                heapBytes += p.remaining();
            }
        }
        if (heapBytes * 2 > buf.readableBytes()) {
            return null;
        }
        OwningComposite out = new OwningComposite(alloc, parts.length, buf);
        try {
            for (ByteBuffer p : parts) {
                if (p.isDirect()) {
                    out.addComponent(true, Unpooled.wrappedBuffer(p)); // a view: the memory stays buf's
                } else {
                    ByteBuf copy = alloc.directBuffer(p.remaining());
                    copy.writeBytes(p);
                    out.addComponent(true, copy);
                }
            }
        } catch (RuntimeException | Error e) {
            out.release();
            throw e;
        }
        return out;
    }

    /** A direct composite that keeps the buffer its parts view alive until it is released. */
    private static final class OwningComposite extends CompositeByteBuf {
        private final ByteBuf source;

        OwningComposite(ByteBufAllocator alloc, int components, ByteBuf source) {
            super(alloc, true, Math.max(2, components));
            this.source = source;
        }

        @Override
        protected void deallocate() {
            try {
                super.deallocate();
            } finally {
                source.release();
            }
        }
    }
}
