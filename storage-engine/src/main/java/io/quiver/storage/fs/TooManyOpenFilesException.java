package io.quiver.storage.fs;

import java.io.IOException;

/** The configured open-file limit was reached. */
public final class TooManyOpenFilesException extends IOException {
    public TooManyOpenFilesException(String message) {
        super(message);
    }
}
