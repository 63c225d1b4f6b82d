package io.segline.validate;

/**
 * A capture that the line refuses, with a reason a person can act on. {@link #reason()} is a short,
 * stable code for grouping (e.g. {@code pixel-limit}); the message says what was found and what to do.
 */
public final class ValidationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public ValidationException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ValidationException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
