/**
 * The line's processors, batch buffer and its codec, dead-letter handlers and records, the stage watchdog.
 * Every failure of a record becomes its dead letter; a registry outage pauses the line; nothing else is
 * swallowed.
 */
package io.segline.streams.internals;
