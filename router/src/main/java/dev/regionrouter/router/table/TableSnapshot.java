package dev.regionrouter.router.table;

import dev.regionrouter.api.table.RoutingTable;
import java.time.Instant;

/**
 * A routing table in use: the validated document, where it came from and when it was loaded.
 *
 * @param version increases by one with every table accepted
 */
public record TableSnapshot(RoutingTable table, String source, Instant loadedAt, long version) {}
