package dev.regionrouter.mockregion.config;

/**
 * Everything that shapes the mock's answers and may change at run time (through the admin endpoint
 * or {@link SettingsStore}). Immutable: a request reads one consistent snapshot.
 *
 * @param mode how non-admin requests are answered
 * @param latencyMs time before /health answers (the reference's LATENCY_MS)
 * @param inferenceDelay time before inference endpoints answer (first chunk when streaming)
 * @param failureRate probability (0..1) that an inference request fails with failureStatus
 * @param failureStatus the status of injected failures (400..599)
 * @param failHealth whether the failure rate applies to /health too
 * @param retryAfterSeconds the Retry-After value of 429 answers in rate-limited mode
 * @param tokensUsed fixed token count to report, or null to report the request's max_tokens
 * @param streamChunks SSE chunks in a streamed completion (before {@code data: [DONE]})
 * @param streamIntervalMs pause between two SSE chunks
 * @param failFirst the first N inference requests after the settings apply fail with failureStatus
 *     (a 429 "once", a 500 "once")
 * @param failForMs inference requests fail with failureStatus for this long after the settings
 *     apply, while /health stays green (a flap), then answer again
 * @param errorCode {@code error.code} of injected failures (context_length_exceeded, ...), or null
 *     for {@code injected_failure}
 * @param streamFault what goes wrong in a streamed completion after streamFaultAfter events
 * @param streamFaultAfter events sent before the stream fault
 * @param faultModel injected failures and stream faults apply only to requests whose {@code model}
 *     is this one; null: to every request
 */
public record MockSettings(
    Mode mode,
    long latencyMs,
    DelayRange inferenceDelay,
    double failureRate,
    int failureStatus,
    boolean failHealth,
    int retryAfterSeconds,
    Integer tokensUsed,
    int streamChunks,
    long streamIntervalMs,
    int failFirst,
    long failForMs,
    String errorCode,
    StreamFault streamFault,
    int streamFaultAfter,
    String faultModel) {

  public MockSettings {
    if (mode == null) {
      throw new IllegalArgumentException("mode is required");
    }
    if (latencyMs < 0 || latencyMs > DelayRange.MAX_MS) {
      throw new IllegalArgumentException(
          "latencyMs must be 0.." + DelayRange.MAX_MS + ", got " + latencyMs);
    }
    if (inferenceDelay == null) {
      throw new IllegalArgumentException("inferenceDelay is required");
    }
    if (!(failureRate >= 0.0 && failureRate <= 1.0)) {
      throw new IllegalArgumentException("failureRate must be between 0 and 1, got " + failureRate);
    }
    if (failureStatus < 400 || failureStatus > 599) {
      throw new IllegalArgumentException("failureStatus must be 400..599, got " + failureStatus);
    }
    if (retryAfterSeconds < 0) {
      throw new IllegalArgumentException(
          "retryAfterSeconds must be >= 0, got " + retryAfterSeconds);
    }
    if (tokensUsed != null && tokensUsed < 0) {
      throw new IllegalArgumentException("tokensUsed must be >= 0, got " + tokensUsed);
    }
    if (streamChunks < 1 || streamChunks > 10_000) {
      throw new IllegalArgumentException("streamChunks must be 1..10000, got " + streamChunks);
    }
    if (streamIntervalMs < 0 || streamIntervalMs > DelayRange.MAX_MS) {
      throw new IllegalArgumentException(
          "streamIntervalMs must be 0.." + DelayRange.MAX_MS + ", got " + streamIntervalMs);
    }
    if (failFirst < 0) {
      throw new IllegalArgumentException("failFirst must be >= 0, got " + failFirst);
    }
    if (failForMs < 0) {
      throw new IllegalArgumentException("failForMs must be >= 0, got " + failForMs);
    }
    if (errorCode != null && errorCode.isBlank()) {
      throw new IllegalArgumentException("errorCode must not be blank");
    }
    if (streamFault == null) {
      throw new IllegalArgumentException("streamFault is required (none for no fault)");
    }
    if (streamFaultAfter < 0) {
      throw new IllegalArgumentException("streamFaultAfter must be >= 0, got " + streamFaultAfter);
    }
  }

  /**
   * Whether injected failures and stream faults apply to a request for this model (null: none
   * named).
   */
  public boolean faultsApplyTo(String model) {
    return faultModel == null || faultModel.equals(model);
  }

  /** The reference tutorial's behaviour: healthy, no health latency, 0.5-1.5 s inference. */
  public static MockSettings defaults() {
    return new MockSettings(
        Mode.OK,
        0,
        DelayRange.REFERENCE,
        0.0,
        500,
        false,
        1,
        null,
        5,
        50,
        0,
        0,
        null,
        StreamFault.NONE,
        0,
        null);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes a copy; {@link #build()} validates the whole result at once. */
  public static final class Builder {
    private Mode mode;
    private long latencyMs;
    private DelayRange inferenceDelay;
    private double failureRate;
    private int failureStatus;
    private boolean failHealth;
    private int retryAfterSeconds;
    private Integer tokensUsed;
    private int streamChunks;
    private long streamIntervalMs;
    private int failFirst;
    private long failForMs;
    private String errorCode;
    private StreamFault streamFault;
    private int streamFaultAfter;
    private String faultModel;

    private Builder(MockSettings from) {
      failFirst = from.failFirst;
      failForMs = from.failForMs;
      errorCode = from.errorCode;
      streamFault = from.streamFault;
      streamFaultAfter = from.streamFaultAfter;
      faultModel = from.faultModel;
      mode = from.mode;
      latencyMs = from.latencyMs;
      inferenceDelay = from.inferenceDelay;
      failureRate = from.failureRate;
      failureStatus = from.failureStatus;
      failHealth = from.failHealth;
      retryAfterSeconds = from.retryAfterSeconds;
      tokensUsed = from.tokensUsed;
      streamChunks = from.streamChunks;
      streamIntervalMs = from.streamIntervalMs;
    }

    public Builder mode(Mode mode) {
      this.mode = mode;
      return this;
    }

    public Builder latencyMs(long latencyMs) {
      this.latencyMs = latencyMs;
      return this;
    }

    public Builder inferenceDelay(DelayRange inferenceDelay) {
      this.inferenceDelay = inferenceDelay;
      return this;
    }

    public Builder inferenceDelayMs(long fixedMs) {
      return inferenceDelay(DelayRange.fixed(fixedMs));
    }

    public Builder failureRate(double failureRate) {
      this.failureRate = failureRate;
      return this;
    }

    public Builder failureStatus(int failureStatus) {
      this.failureStatus = failureStatus;
      return this;
    }

    public Builder failHealth(boolean failHealth) {
      this.failHealth = failHealth;
      return this;
    }

    public Builder retryAfterSeconds(int retryAfterSeconds) {
      this.retryAfterSeconds = retryAfterSeconds;
      return this;
    }

    /** A fixed token count to report, or null to echo the request's max_tokens. */
    public Builder tokensUsed(Integer tokensUsed) {
      this.tokensUsed = tokensUsed;
      return this;
    }

    public Builder streamChunks(int streamChunks) {
      this.streamChunks = streamChunks;
      return this;
    }

    public Builder streamIntervalMs(long streamIntervalMs) {
      this.streamIntervalMs = streamIntervalMs;
      return this;
    }

    public Builder failFirst(int failFirst) {
      this.failFirst = failFirst;
      return this;
    }

    public Builder failForMs(long failForMs) {
      this.failForMs = failForMs;
      return this;
    }

    public Builder errorCode(String errorCode) {
      this.errorCode = errorCode;
      return this;
    }

    public Builder streamFault(StreamFault streamFault) {
      this.streamFault = streamFault;
      return this;
    }

    public Builder streamFaultAfter(int streamFaultAfter) {
      this.streamFaultAfter = streamFaultAfter;
      return this;
    }

    public Builder faultModel(String faultModel) {
      this.faultModel = faultModel;
      return this;
    }

    public MockSettings build() {
      return new MockSettings(
          mode,
          latencyMs,
          inferenceDelay,
          failureRate,
          failureStatus,
          failHealth,
          retryAfterSeconds,
          tokensUsed,
          streamChunks,
          streamIntervalMs,
          failFirst,
          failForMs,
          errorCode,
          streamFault,
          streamFaultAfter,
          faultModel);
    }
  }
}
