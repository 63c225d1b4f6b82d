/**
 * Validation of captures before anything decodes them in full: formats, sizes and pixel counts from headers,
 * claim checks read only from regular files under allowed roots, within a time and byte budget. Every
 * refusal is a {@link io.segline.validate.ValidationException} with a reason code.
 */
package io.segline.validate;
