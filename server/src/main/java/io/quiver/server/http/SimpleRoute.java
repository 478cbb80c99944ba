package io.quiver.server.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;

/** A route from a method, a path and a lambda. */
public record SimpleRoute(HttpMethod method, String path, Handler handler) implements HttpRoute {
    @FunctionalInterface
    public interface Handler {
        FullHttpResponse handle(FullHttpRequest request) throws Exception;
    }

    @Override
    public FullHttpResponse handle(FullHttpRequest request) throws Exception {
        return handler.handle(request);
    }
}
