/**
 * {@link io.segline.config.SeglineConfig}: one immutable configuration, layered options over SEGLINE_*
 * environment variables over a properties file over defaults; keys outside {@code segline.*} go unchanged
 * to the Kafka and registry clients.
 */
package io.segline.config;
