package dev.freight.bus;

/**
 * A request that cannot be served, with the HTTP status that says why (404, 409, ...). It travels
 * back over the event bus as the reply's failure code; the HTTP layer maps it.
 */
public class Failure extends RuntimeException {
  private final int status;

  public Failure(int status, String detail) {
    super(detail, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static Failure notFound(String detail) {
    return new Failure(404, detail);
  }

  public static Failure badRequest(String detail) {
    return new Failure(400, detail);
  }

  public static Failure conflict(String detail) {
    return new Failure(409, detail);
  }
}
