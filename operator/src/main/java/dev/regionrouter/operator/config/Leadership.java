package dev.regionrouter.operator.config;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this replica may write. Every writer (status, routing table, events, probes) asks it
 * right before acting, so a replica that lost the Lease stops writing at once, even while JOSDK is
 * still finishing a reconciliation. Without leader election the replica always leads.
 */
public final class Leadership {

  private final AtomicBoolean leading;

  public Leadership(boolean electionEnabled) {
    this.leading = new AtomicBoolean(!electionEnabled);
  }

  public boolean isLeading() {
    return leading.get();
  }

  /** Returns true when this call changed the state. */
  public boolean setLeading(boolean value) {
    return leading.getAndSet(value) != value;
  }
}
