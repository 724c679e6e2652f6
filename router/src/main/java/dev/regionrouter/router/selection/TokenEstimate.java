package dev.regionrouter.router.selection;

/**
 * The tokens a request may use before its region says how many it did, for
 * capacity.tokensPerMinute: its completion limit plus one token per four characters of prompt (the
 * usual rule of thumb for English text; regions report the real count when they answer).
 */
public final class TokenEstimate {

  /** The completion limit when a request names none (the reference tutorial's max_tokens). */
  public static final long DEFAULT_MAX_TOKENS = 100;

  private TokenEstimate() {}

  public static long of(long maxTokens, long promptChars) {
    return maxTokens + promptChars / 4;
  }
}
