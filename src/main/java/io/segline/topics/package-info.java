/**
 * The topics every part shares, each declared once with its name and serdes
 * ({@link io.segline.topics.Topics}), and their creation with sizes matched to image records.
 */
package io.segline.topics;
