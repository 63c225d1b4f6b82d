package io.segline.streams.internals;

import io.segline.serde.SchemaRegistryException;
import io.segline.serde.SchemaRegistryException.RegistryUnavailableException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exception handlers that turn every bad input into exactly one dead letter. Kafka Streams sends the
 * returned dead-letter records with the task's producer, so under exactly-once they commit in the same
 * transaction as the offsets. An unreachable schema registry is an outage, not bad data: those errors
 * fail the client loudly instead of dead-lettering records that are fine.
 */
public final class DeadLetterHandlers {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandlers.class);

    private DeadLetterHandlers() {
    }

    /**
     * Whether a failure is the registry's, not the record's: unreachable, refusing our credentials, or
     * refusing to register one of segline's own schemas. A deployment problem pauses the line; it never
     * dead-letters a good record.
     */
    public static boolean isOutage(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RegistryUnavailableException || t instanceof SchemaRegistryException.RegistryAuthorizationException
                    || t instanceof SchemaRegistryException.IncompatibleSchemaException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Records that cannot be deserialized (bad magic byte, unknown schema id, corrupt body, foreign schema). */
    public static final class Deserialization implements DeserializationExceptionHandler {
        private DeadLetterRecords letters;

        @Override
        public void configure(Map<String, ?> configs) {
            letters = DeadLetterRecords.fromConfig(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
            if (isOutage(exception)) {
                log.error("Schema registry unavailable while reading {}-{}@{}: stopping", record.topic(), record.partition(),
                        record.offset(), exception);
                return Response.fail();
            }
            log.warn("Dead-lettering undeserializable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    exception.getMessage());
            return Response.resume(List.of(letters.record(record.key(), record.value(), record.topic(), record.partition(),
                    record.offset(), record.timestamp(), StageNames.DESERIALIZE, exception, record.headers())));
        }
    }

    /** A stage that threw: validation refusals and failures of enrichment, segmentation, refinement or measuring. */
    public static final class Processing implements ProcessingExceptionHandler {
        private DeadLetterRecords letters;

        @Override
        public void configure(Map<String, ?> configs) {
            letters = DeadLetterRecords.fromConfig(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            if (isOutage(exception)) {
                log.error("Schema registry unavailable in {}: stopping", context.processorNodeId(), exception);
                return Response.fail();
            }
            log.warn("Dead-lettering {}-{}@{} from stage {}: {}", context.topic(), context.partition(), context.offset(),
                    context.processorNodeId(), exception.getMessage());
            return Response.resume(List.of(letters.record(context.sourceRawKey(), context.sourceRawValue(), context.topic(),
                    context.partition(), context.offset(), context.timestamp(), context.processorNodeId(), exception, context.headers())));
        }
    }

    /** Results the producer cannot send (too large, or not serializable). */
    public static final class Production implements ProductionExceptionHandler {
        private DeadLetterRecords letters;

        @Override
        public void configure(Map<String, ?> configs) {
            letters = DeadLetterRecords.fromConfig(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
            if (!isRecordLevel(exception)) {
                // Not a property of one input (authorization, a fenced producer, ...): stop loudly.
                return Response.fail();
            }
            if (letters.topic().equals(record.topic())) {
                // Dead letters are bounded; should one still not fit, send the smallest form rather than stop the line on it.
                log.error("A dead letter for {}-{}@{} could not be sent ({}); sending it without the original bytes", context.topic(),
                        context.partition(), context.offset(), exception.getMessage());
                return Response.resume(List.of(letters.minimalRecord(context.sourceRawKey(), context.sourceRawValue(), context.topic(),
                        context.partition(), context.offset(), context.timestamp(), StageNames.PRODUCE, exception, context.headers())));
            }
            return deadLetter(context, record, exception);
        }

        /** Errors that belong to the record being sent, not to the cluster or the client. */
        static boolean isRecordLevel(Exception exception) {
            return exception instanceof RecordTooLargeException
                    || exception instanceof org.apache.kafka.common.InvalidRecordException
                    || exception instanceof org.apache.kafka.common.errors.CorruptRecordException;
        }

        @Override
        public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                SerializationExceptionOrigin origin) {
            if (isOutage(exception)) {
                log.error("Schema registry unavailable while writing to {}: the stream thread stops and is replaced; its"
                        + " uncommitted work is redone when the registry answers again", record.topic(), exception);
                return Response.fail();
            }
            if (letters.topic().equals(record.topic())) {
                return Response.resume(List.of(letters.minimalRecord(context.sourceRawKey(), context.sourceRawValue(), context.topic(),
                        context.partition(), context.offset(), context.timestamp(), StageNames.PRODUCE, exception, context.headers())));
            }
            return deadLetter(context, record, exception);
        }

        private Response deadLetter(ErrorHandlerContext context, ProducerRecord<?, ?> record, Exception exception) {
            log.warn("Dead-lettering the input of a result for {} that could not be produced: {}", record.topic(),
                    exception.getMessage());
            return Response.resume(List.of(letters.record(context.sourceRawKey(), context.sourceRawValue(), context.topic(),
                    context.partition(), context.offset(), context.timestamp(), StageNames.PRODUCE, exception, context.headers())));
        }
    }
}
