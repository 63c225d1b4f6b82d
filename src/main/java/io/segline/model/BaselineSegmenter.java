package io.segline.model;

import io.segline.imaging.Cielab;
import io.segline.imaging.Images;
import io.segline.records.EnrichedCaption;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * The classical baseline that every learned segmenter must beat: no training, no caption.
 *
 * <ol>
 * <li>The image is reduced to a working grid (longest side {@value #WORKING_SIDE} px) in CIELAB.</li>
 * <li>The vertical symmetry axis is found by mirroring: the column about which the painting best
 *     matches its own mirror image (searched in the central fifth).</li>
 * <li>A soft layout prior of the canonical Thangka composition is placed on that axis: head and
 *     torso and crossed legs (figure), a disc around the head (halo), a large ellipse behind the body
 *     (backlight), a flat ellipse under the legs (lotus), background elsewhere.</li>
 * <li>Colours are clustered (k-means, k={@value #CLUSTERS}, seeded, so results are deterministic); each
 *     cluster takes the class mixture the prior gives its pixels, which moves boundaries onto colour
 *     edges.</li>
 * <li>The combined probabilities are pulled towards their mirror image about the axis.</li>
 * </ol>
 *
 * It knows where Thangka parts usually are and which pixels look alike, nothing more: off-centre
 * figures, unusual proportions and colours shared across parts defeat it.
 */
public final class BaselineSegmenter implements Segmenter {
    static final int WORKING_SIDE = 128;
    static final int CLUSTERS = 8;
    private static final int CLASSES = 5;
    private static final int BACKGROUND = 0;
    private static final int FIGURE = 1;
    private static final int HALO = 2;
    private static final int BACKLIGHT = 3;
    private static final int LOTUS = 4;

    @Override
    public ClassProbabilities segment(BufferedImage image, EnrichedCaption caption) {
        BufferedImage small = reduce(image);
        int w = small.getWidth();
        int h = small.getHeight();
        float[][] lab = toLab(small);
        float axis = symmetryAxis(lab, w, h);
        float[][] prior = layoutPrior(w, h, axis + 0.5f);
        int[] cluster = kmeans(lab, w * h);
        float[][] combined = combine(prior, cluster);
        return new ClassProbabilities(w, h, symmetrize(combined, w, h, axis));
    }

    @Override
    public String name() {
        return "baseline";
    }

    @Override
    public String modelName() {
        return "baseline-colour-layout";
    }

    @Override
    public String modelVersion() {
        return "1";
    }

    static BufferedImage reduce(BufferedImage image) {
        return Images.reduce(image, WORKING_SIDE);
    }

    static float[][] toLab(BufferedImage image) {
        return Cielab.planes(image);
    }

    /** The column index (fractional) about which the image best matches its mirror: column x mirrors to 2a - x. */
    static float symmetryAxis(float[][] lab, int w, int h) {
        float best = w / 2f;
        double bestCost = Double.MAX_VALUE;
        for (int twice = (int) (0.8 * w); twice <= (int) (1.2 * w); twice++) {
            double cost = 0;
            int count = 0;
            float a = twice / 2f;
            int reach = (int) Math.min(a, w - 1 - a);
            if (reach < w / 4) {
                continue;
            }
            for (int y = 0; y < h; y += 2) {
                for (int x = (int) Math.ceil(a - reach); x < a; x++) {
                    int mirror = twice - x;
                    if (mirror >= w) {
                        continue;
                    }
                    int i = y * w + x;
                    int j = y * w + mirror;
                    cost += Math.abs(lab[0][i] - lab[0][j]) + Math.abs(lab[1][i] - lab[1][j]) + Math.abs(lab[2][i] - lab[2][j]);
                    count++;
                }
            }
            if (count > 0 && cost / count < bestCost) {
                bestCost = cost / count;
                best = a;
            }
        }
        return best;
    }

    /** Soft membership of a point in an axis-aligned ellipse: about 1 inside, 0.5 on the rim, 0 far outside. */
    private static float ellipse(float x, float y, float cx, float cy, float rx, float ry) {
        double dx = (x - cx) / rx;
        double dy = (y - cy) / ry;
        double d = Math.sqrt(dx * dx + dy * dy);
        return (float) (1 / (1 + Math.exp((d - 1) * 8)));
    }

    /** The prior of each class at each pixel; {@code axis} is in continuous coordinates (pixel x covers [x, x+1)). */
    static float[][] layoutPrior(int w, int h, float axis) {
        float[][] p = new float[CLASSES][w * h];
        float s = Math.min(h, w * 1.3f);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float px = x + 0.5f;
                float py = y + 0.5f;
                float head = ellipse(px, py, axis, 0.27f * h, 0.065f * s, 0.075f * s);
                float torso = ellipse(px, py, axis, 0.50f * h, 0.14f * s, 0.17f * s);
                float legs = ellipse(px, py, axis, 0.70f * h, 0.20f * s, 0.07f * s);
                float arms = 0.7f * ellipse(px, py, axis, 0.48f * h, 0.21f * s, 0.09f * s);
                float figure = Math.max(Math.max(head, torso), Math.max(legs, arms));
                float haloShape = ellipse(px, py, axis, 0.27f * h, 0.13f * s, 0.13f * s);
                float lotusShape = ellipse(px, py, axis, 0.82f * h, 0.24f * s, 0.065f * s);
                float backShape = ellipse(px, py, axis, 0.50f * h, 0.30f * s, 0.36f * s);
                float halo = haloShape * (1 - figure);
                float lotus = lotusShape * (1 - figure);
                float back = backShape * (1 - figure) * (1 - haloShape) * (1 - lotusShape);
                float background = Math.max(0, 1 - figure - halo - lotus - back) + 0.02f;
                float sum = figure + halo + lotus + back + background;
                int i = y * w + x;
                p[BACKGROUND][i] = background / sum;
                p[FIGURE][i] = figure / sum;
                p[HALO][i] = halo / sum;
                p[BACKLIGHT][i] = back / sum;
                p[LOTUS][i] = lotus / sum;
            }
        }
        return p;
    }

    /** k-means on Lab colour with seeded k-means++ initialisation; returns the cluster of each pixel. */
    static int[] kmeans(float[][] lab, int n) {
        int k = Math.min(CLUSTERS, n);
        Random random = new Random(7);
        float[][] centres = new float[k][3];
        int first = random.nextInt(n);
        for (int d = 0; d < 3; d++) {
            centres[0][d] = lab[d][first];
        }
        double[] nearest = new double[n];
        java.util.Arrays.fill(nearest, Double.MAX_VALUE);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], distance(lab, i, centres[c - 1]));
                total += nearest[i];
            }
            double pick = random.nextDouble() * total;
            int chosen = n - 1;
            for (int i = 0; i < n; i++) {
                pick -= nearest[i];
                if (pick <= 0) {
                    chosen = i;
                    break;
                }
            }
            for (int d = 0; d < 3; d++) {
                centres[c][d] = lab[d][chosen];
            }
        }
        int[] assignment = new int[n];
        for (int iteration = 0; iteration < 15; iteration++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int best = 0;
                double bestDistance = Double.MAX_VALUE;
                for (int c = 0; c < k; c++) {
                    double dist = distance(lab, i, centres[c]);
                    if (dist < bestDistance) {
                        bestDistance = dist;
                        best = c;
                    }
                }
                changed |= assignment[i] != best;
                assignment[i] = best;
            }
            if (!changed && iteration > 0) {
                break;
            }
            double[][] sums = new double[k][3];
            int[] counts = new int[k];
            for (int i = 0; i < n; i++) {
                counts[assignment[i]]++;
                for (int d = 0; d < 3; d++) {
                    sums[assignment[i]][d] += lab[d][i];
                }
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] > 0) {
                    for (int d = 0; d < 3; d++) {
                        centres[c][d] = (float) (sums[c][d] / counts[c]);
                    }
                }
            }
        }
        return assignment;
    }

    private static double distance(float[][] lab, int i, float[] centre) {
        double dl = lab[0][i] - centre[0];
        double da = lab[1][i] - centre[1];
        double db = lab[2][i] - centre[2];
        return dl * dl + da * da + db * db;
    }

    /** Prior times the class mixture of each pixel's colour cluster (geometric weighting), normalised. */
    static float[][] combine(float[][] prior, int[] cluster) {
        int n = cluster.length;
        int k = 0;
        for (int c : cluster) {
            k = Math.max(k, c + 1);
        }
        double[][] affinity = new double[k][CLASSES];
        int[] counts = new int[k];
        for (int i = 0; i < n; i++) {
            counts[cluster[i]]++;
            for (int c = 0; c < CLASSES; c++) {
                affinity[cluster[i]][c] += prior[c][i];
            }
        }
        float[][] out = new float[CLASSES][n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            double[] q = new double[CLASSES];
            for (int c = 0; c < CLASSES; c++) {
                double a = affinity[cluster[i]][c] / counts[cluster[i]];
                q[c] = Math.pow(prior[c][i] + 1e-4, 0.45) * Math.pow(a + 1e-3, 0.55);
                sum += q[c];
            }
            for (int c = 0; c < CLASSES; c++) {
                out[c][i] = (float) (q[c] / sum);
            }
        }
        return out;
    }

    static float[][] symmetrize(float[][] p, int w, int h, float axis) {
        float[][] out = new float[p.length][w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int mirror = Math.round(2 * axis - x);
                int i = y * w + x;
                for (int c = 0; c < p.length; c++) {
                    out[c][i] = mirror >= 0 && mirror < w ? 0.6f * p[c][i] + 0.4f * p[c][y * w + mirror] : p[c][i];
                }
            }
        }
        return out;
    }
}
