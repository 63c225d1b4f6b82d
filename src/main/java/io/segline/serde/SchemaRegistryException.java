package io.segline.serde;

/**
 * A schema registry refused a request or could not be reached.
 *
 * <p>Subclasses say what kind of refusal it was, so callers can tell data problems (an unknown id,
 * an incompatible schema) from infrastructure problems ({@link RegistryUnavailableException}).
 * The message always carries the subject or id involved and the registry's own words.
 */
public class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        this(message, httpStatus, errorCode, null);
    }

    /** HTTP status of the registry's answer, or 0 when no answer came (in-memory registry, I/O error). */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code} (e.g. 40401 subject not found, 40403 schema not found), or 0. */
    public int errorCode() {
        return errorCode;
    }

    /** The schema is not compatible with the subject's earlier versions under its compatibility level. */
    public static final class IncompatibleSchemaException extends SchemaRegistryException {
        private static final long serialVersionUID = 1L;
        private final String subject;

        public IncompatibleSchemaException(String subject, String registryMessage, int httpStatus, int errorCode) {
            super("Schema for subject '" + subject + "' is incompatible with its registered versions: "
                    + registryMessage, httpStatus, errorCode);
            this.subject = subject;
        }

        public String subject() {
            return subject;
        }
    }

    /** No schema with this id exists in the registry. */
    public static final class SchemaNotFoundException extends SchemaRegistryException {
        private static final long serialVersionUID = 1L;
        private final int schemaId;

        public SchemaNotFoundException(int schemaId, String registryMessage, int httpStatus, int errorCode) {
            super("Schema id " + schemaId + " is not known to the registry: " + registryMessage, httpStatus, errorCode);
            this.schemaId = schemaId;
        }

        public int schemaId() {
            return schemaId;
        }
    }

    /** The subject does not exist, or does not hold the schema that was looked up. */
    public static final class SubjectNotFoundException extends SchemaRegistryException {
        private static final long serialVersionUID = 1L;
        private final String subject;

        public SubjectNotFoundException(String subject, String registryMessage, int httpStatus, int errorCode) {
            super("Subject '" + subject + "' has no such schema or version: " + registryMessage, httpStatus, errorCode);
            this.subject = subject;
        }

        public String subject() {
            return subject;
        }
    }

    /** The registry answered 401 or 403: credentials are missing or not allowed to do this. */
    public static final class RegistryAuthorizationException extends SchemaRegistryException {
        private static final long serialVersionUID = 1L;

        public RegistryAuthorizationException(String message, int httpStatus, int errorCode) {
            super(message, httpStatus, errorCode);
        }
    }

    /**
     * The registry could not be reached, or kept answering with server errors, through every retry.
     * This is an infrastructure failure, not a property of the record: stream processing should stop
     * or retry rather than dead-letter the record.
     */
    public static final class RegistryUnavailableException extends SchemaRegistryException {
        private static final long serialVersionUID = 1L;

        public RegistryUnavailableException(String message, int httpStatus, Throwable cause) {
            super(message, httpStatus, 0, cause);
        }
    }
}
