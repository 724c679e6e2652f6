package dev.regionrouter.mockregion.inference;

/** A request body the mock cannot answer: becomes a 400 with a JSON error. */
public final class BadRequestException extends RuntimeException {

  public BadRequestException(String message) {
    super(message, null, false, false);
  }
}
