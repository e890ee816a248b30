/**
 * The error output: records that could not be parsed, with their reason, Kinesis provenance and raw
 * bytes, as gzip JSON lines under {@code errors/dt=YYYY-MM-DD/}. See {@link
 * io.minietl.core.error.ErrorRecordFormat} for the format, {@link
 * io.minietl.core.error.ErrorRecordWriter} and {@link io.minietl.core.error.ErrorRecordReader} for
 * the code.
 */
package io.minietl.core.error;
