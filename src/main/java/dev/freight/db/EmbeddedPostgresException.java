package dev.freight.db;

/** A failure of the embedded PostgreSQL; the message is one line meant for an operator. */
public class EmbeddedPostgresException extends RuntimeException {

  public EmbeddedPostgresException(String message) {
    super(message);
  }

  public EmbeddedPostgresException(String message, Throwable cause) {
    super(message, cause);
  }
}
