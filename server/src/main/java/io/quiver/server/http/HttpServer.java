package io.quiver.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The admin/HTTP endpoint (Netty): health, and every route later issues add (metrics, NDJSON
 * ingest, console). Requests are aggregated up to a size limit (413 beyond) and handed to a worker
 * pool so slow handlers never block the event loop.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    private final List<HttpRoute> routes;
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup workers = new NioEventLoopGroup(2);
    private final ExecutorService handlers;
    private final Channel channel;

    public HttpServer(String host, int port, int maxContentBytes, List<HttpRoute> routes) throws InterruptedException {
        this.routes = List.copyOf(routes);
        this.handlers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                r -> {
                    Thread t = new Thread(r, "quiver-http-handler");
                    t.setDaemon(true);
                    return t;
                });
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec());
                        ch.pipeline().addLast(new HttpServerExpectContinueHandler());
                        ch.pipeline().addLast(new HttpObjectAggregator(maxContentBytes));
                        ch.pipeline().addLast(new Dispatcher());
                    }
                });
        this.channel = b.bind(host, port).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public String host() {
        return ((InetSocketAddress) channel.localAddress()).getHostString();
    }

    private final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
        Dispatcher() {
            super(false); // the handler thread releases the request
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            try {
                handlers.execute(() -> {
                    FullHttpResponse response;
                    try {
                        response = route(request);
                    } catch (Exception e) {
                        LOG.warn("http handler failed [uri={}]", request.uri(), e);
                        response = HttpResponses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
                    } finally {
                        request.release();
                    }
                    send(ctx, response, keepAlive);
                });
            } catch (RejectedExecutionException e) {
                request.release();
                send(ctx, HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "server is shutting down"), false);
            }
        }

        private FullHttpResponse route(FullHttpRequest request) throws Exception {
            String path = new QueryStringDecoder(request.uri()).path();
            boolean pathKnown = false;
            for (HttpRoute r : routes) {
                boolean matches = r.path().endsWith("/") ? path.startsWith(r.path()) : path.equals(r.path());
                if (matches) {
                    pathKnown = true;
                    if (r.method().equals(request.method())) {
                        return r.handle(request);
                    }
                }
            }
            return pathKnown
                    ? HttpResponses.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed [method=" + request.method() + ", path=" + path + ']')
                    : HttpResponses.error(HttpResponseStatus.NOT_FOUND, "no such endpoint [path=" + path + ']');
        }

        private void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, "keep-alive");
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
                send(ctx, HttpResponses.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large"), false);
                return;
            }
            LOG.debug("http connection error", cause);
            ctx.close();
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        handlers.shutdown();
        try {
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
