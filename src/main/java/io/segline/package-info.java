/**
 * The {@code segline} command line ({@link io.segline.Main}): picocli wiring of the verbs only. Nothing in
 * segline depends on this package.
 */
package io.segline;
