package io.minietl.kinesis.aws;

/**
 * The AWS configuration cannot work: no region, no credentials, or an endpoint that is not a URL.
 * The message says which setting to fix; a command line reports it as a configuration error.
 */
public final class AwsConfigurationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  AwsConfigurationException(String message) {
    super(message);
  }

  AwsConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
