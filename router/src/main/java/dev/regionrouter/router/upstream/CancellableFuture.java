package dev.regionrouter.router.upstream;

import java.util.concurrent.CompletableFuture;

/**
 * A future that runs a hook when it is cancelled: how a cancelled request reaches the work under it
 * (a region call, a connection), without a whenComplete stage per call just to watch for it. Stages
 * built on it are plain CompletableFutures.
 */
public final class CancellableFuture<T> extends CompletableFuture<T> {

  private final Runnable onCancel;

  public CancellableFuture(Runnable onCancel) {
    this.onCancel = onCancel;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      onCancel.run();
    }
    return cancelled;
  }
}
