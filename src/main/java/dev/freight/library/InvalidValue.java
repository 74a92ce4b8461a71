package dev.freight.library;

/** A raw value that cannot become a field value; the message is shown to the user. */
final class InvalidValue extends RuntimeException {

  InvalidValue(String message) {
    // Rejected values are routine in bulk imports, so skip the costly stack trace.
    super(message, null, false, false);
  }
}
