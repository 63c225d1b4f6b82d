/**
 * OpenTelemetry tracing of captures: one trace per capture across processes, carried in W3C
 * {@code traceparent} headers; off by default, propagation always on.
 */
package io.segline.tracing;
