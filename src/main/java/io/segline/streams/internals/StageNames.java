package io.segline.streams.internals;

/** Names of the topology's processors and sinks; they survive upgrades, so change them only with care. */
public final class StageNames {
    public static final String SOURCE = "images-source";
    public static final String VALIDATE = "validate";
    public static final String ENRICH = "enrich";
    public static final String SEGMENT = "segment";
    public static final String REFINE = "refine";
    public static final String MEASURE = "measure";
    public static final String KEY_BY_IMAGE = "key-by-image-id";
    public static final String FAILED = "failed";
    public static final String SUCCEEDED = "succeeded";
    public static final String TO_DEAD_LETTERS = "to-dead-letters";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";
    public static final String TO_MASKS = "to-masks";
    public static final String TO_QUALITY = "to-quality";
    public static final String MASKS_SINK = "masks-sink";
    public static final String QUALITY_SINK = "quality-sink";
    /** Stage recorded in dead letters for records that could not be deserialized. */
    public static final String DESERIALIZE = "deserialize";
    /** Stage recorded in dead letters for results that could not be produced. */
    public static final String PRODUCE = "produce";

    private StageNames() {
    }
}
