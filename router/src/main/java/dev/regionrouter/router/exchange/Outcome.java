package dev.regionrouter.router.exchange;

/**
 * How one attempt on one region ended, with what that means for the request and for the region's
 * health (as Envoy's outlier detection {@code Result}): the attempt loop decides by these
 * properties, never by comparing names. The tag is the {@code outcome} of the attempt and request
 * metrics.
 */
public enum Outcome {
  /** A whole answer, or a stream that reached its commit point. */
  SUCCESS("success", Kind.ANSWERED),
  /**
   * A 4xx that is the caller's own (400, 401, 403, 404, 422, ...): relayed as is, the region is
   * fine.
   */
  CLIENT_ERROR("client_error", Kind.ANSWERED),
  /**
   * An error the region declared another region may not share (a configured provider code, such as
   * context_length_exceeded).
   */
  DECLINED("declined", Kind.ANSWERED),
  /** A 5xx the router does not retry (501, 505, ...): relayed, and the region's failure. */
  HTTP_5XX_OTHER("http_5xx_other", Kind.ANSWERED_FAILED),
  HTTP_500("http_500", Kind.TRANSIENT),
  HTTP_502("http_502", Kind.TRANSIENT),
  /** The region says it cannot serve now: the next region, not the same one again. */
  HTTP_503("http_503", Kind.ANSWERED_FAILED),
  HTTP_504("http_504", Kind.TRANSIENT),
  /** 429: the region (or model) is cooled for its Retry-After; not a failure. */
  THROTTLED("throttled", Kind.ANSWERED),
  /** A 2xx that is not the contract's answer. */
  MALFORMED("malformed", Kind.ANSWERED_FAILED),
  RESPONSE_TOO_LARGE("response_too_large", Kind.ANSWERED_FAILED),
  /** The connection was refused: the region never saw the request. */
  REFUSED("refused", Kind.UNREACHED),
  CONNECT_TIMEOUT("connect_timeout", Kind.UNREACHED),
  /** The connection broke before the answer's head. */
  RESET("reset", Kind.TRANSIENT_UNANSWERED),
  /** The per-try timeout passed with no answer. */
  TIMEOUT("timeout", Kind.FAILED),
  /** A stream's head came, but no first bytes within the first-byte timeout. */
  FIRST_BYTE_TIMEOUT("first_byte_timeout", Kind.FAILED),
  /**
   * The request's deadline passed during the attempt: the request's limit, not the region's
   * failure.
   */
  DEADLINE("deadline", Kind.NEUTRAL),
  /** A trial on a stalled region met the hang again: the held requests decide about ejection. */
  TRIAL_TIMEOUT("trial_timeout", Kind.NEUTRAL),
  /** Moved on from a region that holds the request and answers nothing (see the hold limit). */
  STALLED("stalled", Kind.NEUTRAL),
  /** A committed stream the region broke or left silent: the caller got an error event. */
  STREAM_BROKEN("stream_broken", Kind.FAILED);

  /** What an outcome means for the request and the region. */
  private enum Kind {
    ANSWERED(true, false, false),
    ANSWERED_FAILED(true, true, false),
    TRANSIENT(true, true, true),
    TRANSIENT_UNANSWERED(false, true, true),
    UNREACHED(false, true, false),
    FAILED(false, true, false),
    NEUTRAL(false, false, false);

    final boolean answered;
    final boolean failure;
    final boolean transientFault;

    Kind(boolean answered, boolean failure, boolean transientFault) {
      this.answered = answered;
      this.failure = failure;
      this.transientFault = transientFault;
    }
  }

  private final String tag;
  private final Kind kind;

  Outcome(String tag, Kind kind) {
    this.tag = tag;
    this.kind = kind;
  }

  /** The metrics tag. */
  public String tag() {
    return tag;
  }

  /** The region gave an HTTP answer (even a bad one): it is not hung. */
  public boolean regionAnswered() {
    return kind.answered;
  }

  /** Counts toward the region's ejection. */
  public boolean countsAsFailure() {
    return kind.failure;
  }

  /**
   * The request never reached the region (a retry elsewhere adds no load to it, and costs no retry
   * budget).
   */
  public boolean unreached() {
    return kind == Kind.UNREACHED;
  }

  /**
   * A fault that a second try on the same region often clears (500, 502, 504, a reset before the
   * head).
   */
  public boolean transientFault() {
    return kind.transientFault;
  }

  /**
   * The outcome of a region's HTTP error status that the router does not relay, or null when it
   * relays it.
   */
  static Outcome ofRetryableStatus(int status) {
    return switch (status) {
      case 500 -> HTTP_500;
      case 502 -> HTTP_502;
      case 503 -> HTTP_503;
      case 504 -> HTTP_504;
      default -> null;
    };
  }

  /** The outcome of an answer the router relays to the caller. */
  static Outcome ofRelayedStatus(int status) {
    return status < 400 ? SUCCESS : status < 500 ? CLIENT_ERROR : HTTP_5XX_OTHER;
  }

  @Override
  public String toString() {
    return tag;
  }
}
