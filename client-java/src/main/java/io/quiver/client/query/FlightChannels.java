package io.quiver.client.query;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalNettyChannelBuilder;
import io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.memory.BufferAllocator;

/**
 * gRPC channels for reading large Flight results, usable with any Arrow Flight (SQL) client:
 * {@code new FlightSqlClient(FlightChannels.client(allocator, host, port))}. Two receive-side
 * changes to grpc-netty's plaintext channel, neither of which its builder exposes:
 *
 * <ul>
 *   <li><b>No second copy of every received byte.</b> gRPC's HTTP/2 handler gathers socket reads
 *   with Netty's default merging cumulator. Each DATA frame it passes up is a retained slice of
 *   that buffer and gRPC holds the slices until a whole message (a record batch, ~1 MiB) is in,
 *   so the buffer is almost always shared when the next read arrives and the cumulator copies
 *   the unread rest plus the new bytes into a fresh buffer. The composite cumulator appends the
 *   read buffer as a component instead: the bytes are copied once, into the Arrow buffer.</li>
 *   <li><b>Larger DATA frames.</b> A server may send frames only up to the receiver's
 *   {@code SETTINGS_MAX_FRAME_SIZE}, 16 KiB unless announced otherwise, so a 1 MiB record batch
 *   travels as 64 frames, each with its own header, flow-control step and slice on both sides.
 *   The channel announces {@link #MAX_FRAME_SIZE} in a SETTINGS frame right after gRPC's own.</li>
 * </ul>
 *
 * <p>Plaintext only, like {@link QueryClient}. The server needs nothing: both are standard HTTP/2
 * behaviour on the receiving side.
 */
public final class FlightChannels {
    /**
     * The DATA frame size this channel accepts. A quarter of gRPC's initial 1 MiB receive window:
     * the receiver hands back window once half of it is consumed, so a frame of half the window
     * or more would make the sender wait on every window update.
     */
    public static final int MAX_FRAME_SIZE = 256 * 1024;

    private FlightChannels() {
    }

    /** A Flight client over {@link #channel(String, int)}; it owns the channel and shuts it down on close. */
    public static FlightClient client(BufferAllocator allocator, String host, int port) {
        return FlightGrpcUtils.createFlightClient(allocator, channel(host, port));
    }

    /** A plaintext channel with the receive path above and no inbound message or metadata limit (as Arrow's own client builder). */
    public static ManagedChannel channel(String host, int port) {
        return builder(host, port, MAX_FRAME_SIZE).build();
    }

    /**
     * The channel's builder, for further settings (flow-control window, keep-alive, interceptors).
     * {@code maxFrameSize} is clamped to HTTP/2's range; 16384 announces nothing beyond the default.
     */
    public static NettyChannelBuilder builder(String host, int port, int maxFrameSize) {
        int frame = Math.clamp(maxFrameSize, Http2CodecUtil.DEFAULT_MAX_FRAME_SIZE, Http2CodecUtil.MAX_FRAME_SIZE_UPPER_BOUND);
        // the settings Arrow's own FlightClient.builder applies, so errors with long trailers read the same
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(host, port)
                .usePlaintext()
                .maxTraceEvents(0)
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .maxInboundMetadataSize(Integer.MAX_VALUE);
        InternalNettyChannelBuilder.setProtocolNegotiatorFactory(b, () -> new ReceiveTuning(InternalProtocolNegotiators.plaintext(), frame));
        return b;
    }

    /** Wraps gRPC's negotiator: sets the cumulator on its HTTP/2 handler and announces the frame size once it is up. */
    private static final class ReceiveTuning implements InternalProtocolNegotiator.ProtocolNegotiator {
        private final InternalProtocolNegotiator.ProtocolNegotiator delegate;
        private final int maxFrameSize;

        ReceiveTuning(InternalProtocolNegotiator.ProtocolNegotiator delegate, int maxFrameSize) {
            this.delegate = delegate;
            this.maxFrameSize = maxFrameSize;
        }

        @Override
        public AsciiString scheme() {
            return delegate.scheme();
        }

        @Override
        public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
            grpcHandler.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
            ChannelHandler negotiation = delegate.newHandler(grpcHandler);
            return maxFrameSize > Http2CodecUtil.DEFAULT_MAX_FRAME_SIZE
                    ? new FrameSizeAnnouncer(grpcHandler, negotiation, maxFrameSize)
                    : negotiation;
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /**
     * Sits in front of gRPC's negotiation handler until gRPC's HTTP/2 handler has replaced it and sent
     * the connection preface, then sends one more SETTINGS frame with the larger max frame size and
     * leaves the pipeline. HTTP/2 applies it in order: the server acknowledges it before it sends a
     * larger frame, and Netty raises the client's limit when that acknowledgement arrives.
     */
    private static final class FrameSizeAnnouncer extends ChannelInboundHandlerAdapter {
        private final GrpcHttp2ConnectionHandler grpcHandler;
        private final ChannelHandler negotiation;
        private final int maxFrameSize;
        private boolean sent;

        FrameSizeAnnouncer(GrpcHttp2ConnectionHandler grpcHandler, ChannelHandler negotiation, int maxFrameSize) {
            this.grpcHandler = grpcHandler;
            this.negotiation = negotiation;
            this.maxFrameSize = maxFrameSize;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.pipeline().addAfter(ctx.name(), null, negotiation);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            super.channelActive(ctx); // plaintext: gRPC's handler takes over and sends its preface inside this call
            announce(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            super.userEventTriggered(ctx, evt);
            announce(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            super.channelRead(ctx, msg);
            announce(ctx); // in case the preface went out without an event passing here
        }

        private void announce(ChannelHandlerContext ctx) {
            if (sent) {
                return;
            }
            ChannelHandlerContext grpc = ctx.pipeline().context(grpcHandler);
            // gRPC's handler sends its preface when it joins an active channel or sees it become active
            if (grpc == null || !ctx.channel().isActive()) {
                return;
            }
            sent = true;
            grpcHandler.encoder().writeSettings(grpc, new Http2Settings().maxFrameSize(maxFrameSize), grpc.newPromise());
            grpc.flush();
            ctx.pipeline().remove(this);
        }
    }
}
