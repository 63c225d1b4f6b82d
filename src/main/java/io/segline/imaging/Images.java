package io.segline.imaging;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Image operations shared by the stages. */
public final class Images {
    private Images() {
    }

    /**
     * The image reduced so that its longest side is at most {@code side} (never enlarged), halving
     * progressively so that bilinear sampling averages every source pixel instead of skipping most.
     */
    public static BufferedImage reduce(BufferedImage image, int side) {
        double scale = Math.min(1.0, (double) side / Math.max(image.getWidth(), image.getHeight()));
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        if (w == image.getWidth() && h == image.getHeight()) {
            return image;
        }
        BufferedImage current = image;
        while (current.getWidth() / 2 >= w && current.getHeight() / 2 >= h) {
            current = draw(current, current.getWidth() / 2, current.getHeight() / 2);
        }
        return draw(current, w, h);
    }

    /** The image drawn at another size with bilinear interpolation, as RGB. */
    public static BufferedImage draw(BufferedImage source, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(source, 0, 0, w, h, null);
        g.dispose();
        return out;
    }
}
