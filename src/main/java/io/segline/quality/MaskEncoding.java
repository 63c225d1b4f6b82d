package io.segline.quality;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Label maps as 8-bit greyscale PNG (pixel value = class index) and binary masks as uncompressed COCO RLE. */
public final class MaskEncoding {
    private MaskEncoding() {
    }

    /** Row-major labels to an 8-bit greyscale PNG (the labels are wrapped, not copied: a scan-sized map costs no second copy). */
    public static byte[] labelMapPng(byte[] labels, int width, int height) {
        java.awt.image.ComponentColorModel grey = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), false, false, java.awt.Transparency.OPAQUE,
                java.awt.image.DataBuffer.TYPE_BYTE);
        java.awt.image.WritableRaster raster = java.awt.image.Raster.createInterleavedRaster(new DataBufferByte(labels, width * height),
                width, height, width, 1, new int[] {0}, null);
        BufferedImage image = new BufferedImage(grey, raster, false, null);
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A label-map PNG back to row-major labels (the first band of any PNG). */
    public static byte[] readLabelMap(byte[] png, int[] sizeOut) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            if (image == null) {
                throw new IllegalArgumentException("not a PNG label map");
            }
            int w = image.getWidth();
            int h = image.getHeight();
            byte[] labels = new byte[w * h];
            int[] band = image.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
            for (int i = 0; i < band.length; i++) {
                labels[i] = (byte) band[i];
            }
            sizeOut[0] = w;
            sizeOut[1] = h;
            return labels;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * COCO's uncompressed RLE of the pixels labelled {@code classIndex}: runs in column-major order,
     * alternating starting with a run of zeros (which may be 0).
     */
    public static List<Integer> cocoRle(byte[] labels, int width, int height, int classIndex) {
        List<Integer> counts = new ArrayList<>();
        boolean inside = false;
        int run = 0;
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                boolean on = (labels[y * width + x] & 0xff) == classIndex;
                if (on != inside) {
                    counts.add(run);
                    run = 0;
                    inside = on;
                }
                run++;
            }
        }
        counts.add(run);
        return counts;
    }

    /** {@link #cocoRle} of every class below {@code classes}, in one column-major pass over the labels. */
    public static List<List<Integer>> cocoRleAll(byte[] labels, int width, int height, int classes) {
        List<List<Integer>> counts = new ArrayList<>();
        int[] run = new int[classes];
        boolean[] inside = new boolean[classes];
        for (int c = 0; c < classes; c++) {
            counts.add(new ArrayList<>());
        }
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                int label = labels[y * width + x] & 0xff;
                for (int c = 0; c < classes; c++) {
                    boolean on = label == c;
                    if (on != inside[c]) {
                        counts.get(c).add(run[c]);
                        run[c] = 0;
                        inside[c] = on;
                    }
                    run[c]++;
                }
            }
        }
        for (int c = 0; c < classes; c++) {
            counts.get(c).add(run[c]);
        }
        return counts;
    }

    /** Decodes COCO uncompressed RLE to a row-major binary mask. */
    public static boolean[] decodeRle(List<Integer> counts, int width, int height) {
        boolean[] mask = new boolean[width * height];
        int position = 0;
        boolean on = false;
        for (int run : counts) {
            for (int r = 0; r < run; r++, position++) {
                int x = position / height;
                int y = position % height;
                mask[y * width + x] = on;
            }
            on = !on;
        }
        if (position != width * height) {
            throw new IllegalArgumentException("RLE covers " + position + " pixels, mask has " + width * height);
        }
        return mask;
    }
}
