package dev.regionrouter.operator.table;

/** Where a region stands with respect to its namespace's routing-table ConfigMap. */
public enum Publication {
  /** The ConfigMap lists the region exactly as its current spec says. */
  PUBLISHED,
  /** An earlier version of the region is listed; the write of its current spec is coming. */
  UPDATING,
  /** Not listed yet; a write that will list it is coming. */
  PENDING,
  /** The table with this region would exceed the ConfigMap size limit; the last table was kept. */
  TOO_LARGE
}
