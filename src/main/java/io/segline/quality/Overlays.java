package io.segline.quality;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** A painting with its label map painted over it at half opacity, for people to look at. */
public final class Overlays {
    /** Colours by class index; background (0) stays unpainted. */
    public static final Color[] PALETTE = {null, new Color(0xe63946), new Color(0xffd166), new Color(0x118ab2), new Color(0x06d6a0)};

    private Overlays() {
    }

    /** The image scaled to the label map's size with each labelled class blended in its colour. */
    public static BufferedImage draw(BufferedImage image, byte[] labels, int width, int height) {
        BufferedImage overlay = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = overlay.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        int[] rgb = overlay.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < rgb.length; i++) {
            int label = labels[i] & 0xff;
            Color colour = label < PALETTE.length ? PALETTE[label] : null;
            if (colour != null) {
                int r = (((rgb[i] >> 16) & 0xff) + colour.getRed()) / 2;
                int gr = (((rgb[i] >> 8) & 0xff) + colour.getGreen()) / 2;
                int b = ((rgb[i] & 0xff) + colour.getBlue()) / 2;
                rgb[i] = (r << 16) | (gr << 8) | b;
            }
        }
        overlay.setRGB(0, 0, width, height, rgb, 0, width);
        return overlay;
    }
}
