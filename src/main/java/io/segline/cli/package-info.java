/**
 * One class per verb, writing to the command line's own output streams; options shared through mixins
 * ({@code SettingsOptions}, {@code ConnectionOptions}, {@code ModelOptions}) so that every verb layers settings
 * the same way. Errors end as one line on standard error and an exit code.
 */
package io.segline.cli;
