package io.quiver.client;

/**
 * A call to the server failed. {@link #code()} is the gRPC status code name
 * ({@code INVALID_ARGUMENT}, {@code NOT_FOUND}, {@code ALREADY_EXISTS}, {@code UNAVAILABLE}, ...).
 */
public class QuiverException extends RuntimeException {
    private final String code;

    public QuiverException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
