package dev.regionrouter.operator.probe;

import java.time.Instant;

/**
 * What the probes of one region show, reduced to what is worth writing into the status: it changes
 * only on a meaningful change (health flips, latency moves clearly, the failure count passes a
 * milestone, the error changes), so that copying it into the status does not churn.
 *
 * @param healthy null until the first verdict
 * @param latencyMs smoothed latency of successful probes, rounded; null before the first success
 * @param changedAt when this observation last changed (status.probe.lastProbeTime)
 * @param consecutiveFailures failed probes in a row, reported at 1, 2, 3 then powers of two
 * @param lastError why the last failed probe failed; null while healthy
 */
public record ProbeObservation(
    Boolean healthy,
    Long latencyMs,
    Instant changedAt,
    int consecutiveFailures,
    String lastError) {}
