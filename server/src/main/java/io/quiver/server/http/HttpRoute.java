package io.quiver.server.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;

/** One endpoint of the HTTP server. Handlers run on a worker pool, never on the event loop. */
public interface HttpRoute {
    HttpMethod method();

    /** Exact path, or a prefix ending in '/' that matches everything below it. */
    String path();

    FullHttpResponse handle(FullHttpRequest request) throws Exception;
}
