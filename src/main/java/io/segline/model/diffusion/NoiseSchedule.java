package io.segline.model.diffusion;

/**
 * The cosine noise schedule (Nichol and Dhariwal 2021): ᾱ(t) = cos²(((t/T) + s)/(1 + s) · π/2) / ᾱ(0)
 * with s = 0.008, and the DDIM timesteps used at inference.
 */
public final class NoiseSchedule {
    private static final double S = 0.008;
    private final int timesteps;

    public NoiseSchedule(int timesteps) {
        this.timesteps = timesteps;
    }

    public int timesteps() {
        return timesteps;
    }

    /** ᾱ at timestep t (0 = clean, T = pure noise), kept away from 0 so x̂0 stays finite. */
    public double alphaBar(double t) {
        double f = Math.cos(((t / timesteps) + S) / (1 + S) * Math.PI / 2);
        double f0 = Math.cos(S / (1 + S) * Math.PI / 2);
        return Math.max(1e-4, (f * f) / (f0 * f0));
    }

    /** {@code steps} timesteps from T−1 evenly down (DDIM's sub-sequence), e.g. 999, 666, 333 for 3. */
    public int[] ddimTimesteps(int steps) {
        int[] ts = new int[steps];
        for (int i = 0; i < steps; i++) {
            ts[i] = (int) Math.round((timesteps - 1) * (1.0 - (double) i / steps));
        }
        return ts;
    }
}
