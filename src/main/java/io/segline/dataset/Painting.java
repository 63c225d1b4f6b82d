package io.segline.dataset;

import java.awt.image.BufferedImage;
import java.util.Map;

/**
 * One generated painting with its exact label map (one byte per pixel, class index or 255) and the
 * catalogue-style caption written for it.
 *
 * @param painter    the painter that drew it ({@link Painter#name()})
 * @param collection the collection it belongs to: paintings of one collection share a painter's
 *                   choices (palette, line work, textures), as the holdings of one lab or workshop do
 */
public record Painting(String id, BufferedImage image, byte[] labels, String caption, String style, Attributes attributes,
        String painter, String collection) {

    /** The painting's true attributes and what its caption states about each (YES/NO/UNKNOWN, or a value/null). */
    public record Attributes(Map<String, Object> truth, Map<String, Object> stated) {
    }
}
