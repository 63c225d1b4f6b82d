package io.segline.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Deterministic DDIM sampling (η = 0) of class masks with an x̂0-predicting denoiser. Each image gets
 * {@code samples} chains started from fixed noise (seeded per chain index, identical for every image),
 * so an image's result never depends on the batch it arrives in; the mean of the chains' final class
 * probabilities is the output, and where the chains disagree the maximum probability — the confidence —
 * drops. Every step runs in its own NDManager so native memory does not grow with the step count.
 */
public final class Sampler {
    private final DiffusionConfig config;
    private final NoiseSchedule schedule;
    private final float[][] noise;

    public Sampler(DiffusionConfig config, long seed) {
        this.config = config;
        this.schedule = new NoiseSchedule(config.timesteps());
        int size = config.classes() * config.maskWidth() * config.maskHeight();
        noise = new float[config.samples()][size];
        for (int s = 0; s < config.samples(); s++) {
            Random random = new Random(seed + 7919L * s);
            for (int i = 0; i < size; i++) {
                noise[s][i] = (float) random.nextGaussian();
            }
        }
    }

    /**
     * Class probabilities {@code (B,K,H,W)} at the input resolution, attached to {@code out}.
     *
     * @param hooks applied at every step (null for none)
     */
    public NDArray sample(Denoiser denoiser, NDManager out, NDArray images, NDArray tokens, AttentionHooks hooks) {
        int batch = (int) images.getShape().get(0);
        int samples = config.samples();
        int k = config.classes();
        int mh = config.maskHeight();
        int mw = config.maskWidth();
        try (NDManager scope = denoiser.manager().newSubManager()) {
            Denoiser.Context context = denoiser.repeat(denoiser.prepare(scope, images, tokens), samples);
            float[] start = new float[batch * samples * noise[0].length];
            for (int b = 0; b < batch; b++) {
                for (int s = 0; s < samples; s++) {
                    System.arraycopy(noise[s], 0, start, (b * samples + s) * noise[s].length, noise[s].length);
                }
            }
            NDArray xt = scope.create(start, new Shape((long) batch * samples, k, mh, mw));
            int[] ts = schedule.ddimTimesteps(config.samplingSteps());
            NDArray probabilities = null;
            for (int i = 0; i < ts.length; i++) {
                try (NDManager step = scope.newSubManager()) {
                    NDArray current = xt;
                    current.attach(step);
                    NDArray t = step.full(new Shape((long) batch * samples), (float) ts[i] / schedule.timesteps(), DataType.FLOAT32);
                    NDArray p = denoiser.denoise(context, current, t, hooks).softmax(1);
                    if (i == ts.length - 1) {
                        probabilities = p.reshape(batch, samples, k, p.getShape().get(2), p.getShape().get(3)).mean(new int[] {1});
                        probabilities.attach(out);
                    } else {
                        double a = schedule.alphaBar(ts[i]);
                        double aNext = schedule.alphaBar(ts[i + 1]);
                        NDArray x0 = p.reshape(batch * samples, k, mh, 2, mw, 2).mean(new int[] {5}).mean(new int[] {3}).mul(2f).sub(1f);
                        NDArray eps = current.sub(x0.mul((float) Math.sqrt(a))).div((float) Math.sqrt(1 - a));
                        xt = x0.mul((float) Math.sqrt(aNext)).add(eps.mul((float) Math.sqrt(1 - aNext)));
                        xt.attach(scope);
                    }
                }
            }
            return probabilities;
        }
    }
}
