package dev.regionrouter.router.edge;

import dev.regionrouter.router.exchange.AttemptLoop;
import dev.regionrouter.router.exchange.Exchange;
import dev.regionrouter.router.selection.Explanations;
import dev.regionrouter.router.selection.HintHeaders;
import dev.regionrouter.router.selection.RouteRequest;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What every data-plane endpoint does around its region calls: explains the decision when asked
 * (X-Region-Router-Debug), cancels the calls when the caller leaves, and on failure releases the
 * exchange (nothing served) and answers the error, unless nobody is left to answer. The endpoint
 * only says how to start the calls and what to do with a served answer (ending the exchange with
 * {@link Exchange#served} itself).
 */
final class RegionCalls {

  private RegionCalls() {}

  static <T> void serve(
      DataPlaneExchange exchange,
      Exchange request,
      Supplier<CompletableFuture<AttemptLoop.Served<T>>> calls,
      Consumer<AttemptLoop.Served<T>> onServed) {
    RouteRequest route = request.route();
    if (route.hints().debugging()) {
      // set as soon as the plan exists (before any answer commits), so a 503 is explained too
      route.onPlan(
          plan -> exchange.setResponseHeader(HintHeaders.DECISION, Explanations.toHeader(plan)));
    }
    CompletableFuture<AttemptLoop.Served<T>> served;
    try {
      served = calls.get();
    } catch (RuntimeException e) {
      request.release();
      throw e;
    }
    exchange.onCallerGone(() -> served.cancel(false));
    served.whenComplete(
        (answer, error) -> {
          if (error == null) {
            exchange.servedBy(answer.region().name(), answer.attempts());
            onServed.accept(answer);
            return;
          }
          request.release();
          if (!served.isCancelled()) { // cancelled: the caller left, nobody to answer
            exchange.sendError(AttemptLoop.unwrap(error));
          }
        });
  }
}
