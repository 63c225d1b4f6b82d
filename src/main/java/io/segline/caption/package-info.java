/**
 * Caption enrichment: attribute extraction, templates and rewriting of a capture's caption, by rules or an
 * LLM backend ({@link io.segline.caption.CaptionEnricher}). Pure functions of the caption and the lexicon; an
 * LLM that fails falls back to the rules, never to an exception.
 */
package io.segline.caption;
