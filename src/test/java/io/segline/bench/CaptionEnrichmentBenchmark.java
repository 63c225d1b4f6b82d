package io.segline.bench;

import io.segline.caption.Lexicon;
import io.segline.caption.RulesEnricher;
import io.segline.dataset.ThangkaSynth;
import io.segline.records.EnrichedCaption;
import io.segline.records.ImageCaptured;
import io.segline.records.InlineImage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time per record of the enrichment stage with the rules backend, on generated catalogue captions.
 * Sampled per call, so the report gives the median (p0.50) as well as the mean. Run: {@code tools/jmh CaptionEnrichment}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CaptionEnrichmentBenchmark {
    private RulesEnricher enricher;
    private ImageCaptured[] captures;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        enricher = new RulesEnricher(Lexicon.builtIn());
        ThangkaSynth synth = new ThangkaSynth(64, 80);
        captures = new ImageCaptured[256];
        for (int i = 0; i < captures.length; i++) {
            captures[i] = ImageCaptured.newBuilder().setImageId("b" + i).setLineId("bench").setScannerId("bench")
                    .setCapturedAt(Instant.EPOCH).setCaption(synth.generate(3, i, "mixed").caption())
                    .setImage(InlineImage.newBuilder().setData(ByteBuffer.allocate(0)).build()).setContentType("image/png").build();
        }
    }

    @Benchmark
    public EnrichedCaption rulesEnrichmentPerRecord() {
        ImageCaptured capture = captures[next];
        next = (next + 1) % captures.length;
        return enricher.enrich(capture);
    }
}
