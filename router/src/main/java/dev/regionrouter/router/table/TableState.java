package dev.regionrouter.router.table;

import java.time.Instant;

/**
 * What the status page and readiness say about the routing table.
 *
 * @param source where the table is read from (file path or namespace/configmap)
 * @param current the table in use, or null before the first good one
 * @param rejected documents refused since start (broken or invalid)
 * @param lastError why the last document was refused, or null
 * @param lastErrorAt when
 * @param sourceMissing the source is gone (file deleted, ConfigMap deleted): the last good table
 *     stays in use and this says so
 */
public record TableState(
    String source,
    TableSnapshot current,
    long rejected,
    String lastError,
    Instant lastErrorAt,
    boolean sourceMissing) {}
