package io.segline.streams;

import io.segline.config.SeglineConfig;
import io.segline.config.SeglineConfig.Keys;
import io.segline.model.diffusion.DiffusionModel;
import org.apache.kafka.common.config.ConfigException;

/**
 * How many models segment at once and how many threads each uses, resolved once from the settings.
 *
 * <p>On a CPU the default is one model per core: {@code num.stream.threads} = cores and one PyTorch
 * intra-op thread per model. A single model spread over all cores is slower in a stream: its threads
 * meet at a barrier on every operation, and whenever the broker, the clients, GC or the JIT take a core
 * for a moment, the other threads wait. With one thread per model nothing waits on anything. On a GPU
 * the default is one stream thread, the single owner of the device's model. Explicit settings win:
 * {@code num.stream.threads} and {@code segline.model.threads} above 0.
 *
 * @param streamThreads the Kafka Streams {@code num.stream.threads}, one model owner each
 * @param modelThreads the engine's intra-op threads per forward pass; 0 leaves the engine's default
 * @param reason one line for the log: where the figures came from
 */
public record Parallelism(int streamThreads, int modelThreads, String reason) {
    public static final String STREAM_THREADS = org.apache.kafka.streams.StreamsConfig.NUM_STREAM_THREADS_CONFIG;

    public Parallelism {
        if (streamThreads < 1) {
            throw new IllegalArgumentException(STREAM_THREADS + " must be at least 1, not " + streamThreads);
        }
        if (modelThreads < 0) {
            throw new IllegalArgumentException(Keys.MODEL_THREADS + " must be 0 (automatic) or more, not " + modelThreads);
        }
    }

    /** The figures for these settings on this machine ({@code cores} = available processors). */
    public static Parallelism of(SeglineConfig config) {
        return of(config, Runtime.getRuntime().availableProcessors());
    }

    static Parallelism of(SeglineConfig config, int cores) {
        Integer explicit = explicitStreamThreads(config);
        int modelThreads = config.getInt(Keys.MODEL_THREADS);
        boolean diffusion = "diffusion".equals(config.get(Keys.SEGMENTER));
        boolean cpu = !diffusion || !DiffusionModel.device(config.get(Keys.DEVICE)).isGpu();
        int streamThreads = explicit != null ? explicit : cpu ? cores : 1;
        if (diffusion && cpu && modelThreads == 0) {
            modelThreads = Math.max(1, cores / streamThreads);
        }
        String reason = (explicit != null ? "as set" : cpu ? "one per core" : "one per GPU") + ", "
                + (!diffusion ? "no model threads (segmenter " + config.get(Keys.SEGMENTER) + ")"
                        : config.getInt(Keys.MODEL_THREADS) > 0 ? "model threads as set"
                        : cpu ? "cores shared among the models" : "model threads: the engine's default");
        return new Parallelism(streamThreads, modelThreads, reason);
    }

    /**
     * A warning when some stream thread holds no partition of the images topic, so that its model is idle; null when
     * every thread has one. {@code imagesPartitions}: each local stream thread's number of images-topic partitions.
     */
    public static String idleModels(java.util.Map<String, Integer> imagesPartitions) {
        java.util.List<String> idle = imagesPartitions.entrySet().stream().filter(e -> e.getValue() == 0).map(java.util.Map.Entry::getKey)
                .sorted().toList();
        if (idle.isEmpty()) {
            return null;
        }
        int most = imagesPartitions.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return idle.size() + " of " + imagesPartitions.size() + " stream threads hold no partition of the images topic, so their models"
                + " are idle (" + String.join(", ", idle) + ")" + (most >= 2
                        ? ", while another thread holds " + most + ": the assignment balances task counts, not images; a restart of"
                                + " this instance reassigns them"
                        : ": give the images topic at least as many partitions as all instances have stream threads, or set fewer"
                                + " num.stream.threads");
    }

    /** {@code num.stream.threads} when the settings name it, refused when it is not a whole number of at least 1. */
    private static Integer explicitStreamThreads(SeglineConfig config) {
        String value = config.get(STREAM_THREADS);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            int threads = Integer.parseInt(value.trim());
            if (threads >= 1) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // Refused below.
        }
        throw new ConfigException(STREAM_THREADS + " must be a whole number of at least 1, not '" + value + "'");
    }
}
