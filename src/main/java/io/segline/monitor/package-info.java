/**
 * Watching the line: line-health windows, alerts, review sampling, the image index, the HTTP API and the
 * dashboard. Reads the line's topics; knows nothing of how the line is built.
 */
package io.segline.monitor;
