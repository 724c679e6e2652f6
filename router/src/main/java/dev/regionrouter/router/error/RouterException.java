package dev.regionrouter.router.error;

import java.time.Duration;

/**
 * A request the router cannot serve, with the status and error code the caller gets. The API layer
 * turns it into the JSON error shape; no stack trace ever reaches the caller.
 *
 * @see dev.regionrouter.router.edge.ErrorHandling
 */
public class RouterException extends RuntimeException {

  private final int status;
  private final String code;
  private final Duration retryAfter;
  private final int attempts;

  public RouterException(
      int status, String code, String message, Duration retryAfter, int attempts) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.attempts = attempts;
  }

  public static RouterException badRequest(String message) {
    return new RouterException(400, "invalid_request", message, null, 0);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** Sent as Retry-After (503), or null. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** Attempts made before giving up (X-Region-Router-Attempts), 0 when none. */
  public int attempts() {
    return attempts;
  }
}
