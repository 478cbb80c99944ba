package io.quiver.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Builders for the JSON and text responses every route sends. */
public final class HttpResponses {
    public static final ObjectMapper JSON = new ObjectMapper();

    private HttpResponses() {
    }

    public static FullHttpResponse json(HttpResponseStatus status, Object body) {
        try {
            return bytes(status, JSON.writeValueAsBytes(body), "application/json");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static FullHttpResponse error(HttpResponseStatus status, String message) {
        return json(status, Map.of("error", message, "status", status.code()));
    }

    public static FullHttpResponse text(HttpResponseStatus status, String body, String contentType) {
        return bytes(status, body.getBytes(StandardCharsets.UTF_8), contentType);
    }

    public static FullHttpResponse bytes(HttpResponseStatus status, byte[] body, String contentType) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }
}
