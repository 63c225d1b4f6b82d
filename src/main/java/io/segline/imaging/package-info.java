/**
 * Small image operations the stages share (colour spaces, box filters, conversions). No state, no I/O.
 */
package io.segline.imaging;
