package io.segline.quality;

/** A result whose records would exceed the configured record size; it cannot be published as is. */
public final class ResultTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ResultTooLargeException(String message) {
        super(message);
    }
}
