/**
 * The measure stage (label maps at the scan's resolution, COCO RLE, per-class statistics, verdicts), capture
 * QC, SPIRIT's metrics and the boundary F-score, and the label-map codecs. No Kafka, no model loading.
 */
package io.segline.quality;
