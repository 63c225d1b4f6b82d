package io.segline.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/** Later versions of a record schema for evolution tests, derived from the real schema rather than copied. */
public final class TestSchemas {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestSchemas() {
    }

    /** {@code schema} with one more field at the end, given as Avro JSON. */
    public static Schema withAddedField(Schema schema, String fieldJson) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(schema.toString());
            ((ArrayNode) root.get("fields")).add(JSON.readTree(fieldJson));
            return new Schema.Parser().parse(root.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code schema} without the named field. */
    public static Schema withoutField(Schema schema, String fieldName) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(schema.toString());
            ArrayNode fields = (ArrayNode) root.get("fields");
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).get("name").asText().equals(fieldName)) {
                    fields.remove(i);
                    break;
                }
            }
            return new Schema.Parser().parse(root.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A field added with a default: a backward-compatible change. */
    public static final String OPERATOR_WITH_DEFAULT =
            "{\"name\": \"operator\", \"type\": [\"null\", \"string\"], \"default\": null, \"doc\": \"Who ran the scanner.\"}";

    /** A field added without a default: consumers on the new schema cannot read old records. */
    public static final String OPERATOR_WITHOUT_DEFAULT =
            "{\"name\": \"operator\", \"type\": \"string\", \"doc\": \"Who ran the scanner.\"}";
}
