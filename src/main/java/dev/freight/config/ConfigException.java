package dev.freight.config;

/** A configuration problem, told to the operator in one line. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
