package dev.regionrouter.api.probe;

/**
 * A region's smoothed latency from its probes: an EWMA fed with the minimum of the last {@value
 * #WINDOW} probe round trips, not with each raw sample.
 *
 * <p>A probe's round trip is the region's distance plus noise, and the noise only ever adds: a GC
 * pause, a busy CPU, a cold connection or JIT at startup delay a probe, nothing makes it faster.
 * Fed the window's minimum, one or two delayed probes in a row do not move the average, while a
 * region that really became slower is followed after {@value #WINDOW} probes.
 *
 * <p>Until the window has filled (a new region, or one measured afresh after {@link #restart}) the
 * latency is that minimum outright, so regions rank right within a few probes; averaging the first
 * sample of a cold start into the EWMA would make it linger for dozens of probes and, with regions
 * 10 ms apart, put them in the wrong order.
 *
 * <p>Not thread-safe: its owner serializes the calls.
 */
public final class ProbeLatency {

  /** Probe samples whose minimum feeds the average. */
  public static final int WINDOW = 3;

  private final double smoothing;
  private final double[] window = new double[WINDOW];
  private int size;

  /** The window was full once since the last restart: from then on the EWMA averages. */
  private boolean filled;

  private double seconds = Double.NaN;

  /**
   * @param smoothing the EWMA weight of a new sample, in (0, 1]
   */
  public ProbeLatency(double smoothing) {
    if (!(smoothing > 0 && smoothing <= 1)) {
      throw new IllegalArgumentException("smoothing must be in (0, 1]: " + smoothing);
    }
    this.smoothing = smoothing;
  }

  /** A successful probe's round trip, in seconds. */
  public void probe(double sampleSeconds) {
    if (size == WINDOW) {
      System.arraycopy(window, 1, window, 0, WINDOW - 1);
      size--;
    }
    window[size++] = sampleSeconds;
    double floor = window[0];
    for (int i = 1; i < size; i++) {
      floor = Math.min(floor, window[i]);
    }
    if (!filled || Double.isNaN(seconds)) {
      seconds = floor; // still measuring: the minimum so far is the best estimate
      filled = size == WINDOW;
      return;
    }
    seconds = smoothing * floor + (1 - smoothing) * seconds;
  }

  /**
   * A sample measured other than by a probe (the router's stream heads), averaged in as it is: it
   * is a real request's round trip, with no probe noise to filter.
   */
  public void blend(double sampleSeconds) {
    seconds =
        Double.isNaN(seconds)
            ? sampleSeconds
            : smoothing * sampleSeconds + (1 - smoothing) * seconds;
  }

  /**
   * The region was found down (restarting, moving): the next probes measure it afresh. The latency
   * stays as it was until the next sample.
   */
  public void restart() {
    size = 0;
    filled = false;
  }

  /** How many samples the window holds now (0 right after a restart). */
  public int samples() {
    return size;
  }

  /** The smoothed latency in seconds; NaN until the first sample. */
  public double seconds() {
    return seconds;
  }
}
