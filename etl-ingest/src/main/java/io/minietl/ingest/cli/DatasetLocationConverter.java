package io.minietl.ingest.cli;

import io.minietl.s3.DatasetLocation;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --dataset}: {@code s3://bucket/prefix}, {@code file:///path} or a directory path, parsed
 * by {@link DatasetLocation} (the one parser of dataset locations). Public for the other command
 * lines that take a dataset (the examples' {@code train}).
 */
public final class DatasetLocationConverter implements ITypeConverter<DatasetLocation> {
  @Override
  public DatasetLocation convert(String value) {
    try {
      return DatasetLocation.parse(value);
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      int colon = message.indexOf(": expected ");
      // The option name and value are added by the CLI; keep what was expected and why.
      throw new TypeConversionException(colon < 0 ? message : message.substring(colon + 2));
    }
  }
}
