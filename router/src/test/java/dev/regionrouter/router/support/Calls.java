package dev.regionrouter.router.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The integration tests' calls to the router, each with a deadline: a router that never answers
 * fails the test with a message naming the request, instead of hanging the build.
 */
public final class Calls {

  /**
   * How long a test waits for a whole answer: above the router.proxy.request-timeout (at most 10 s)
   * of the tests that call through here, so an answer the router gives at its own deadline (a 504)
   * still arrives on a loaded machine.
   */
  public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private Calls() {}

  /** A request to the URL with {@link #ANSWER_TIMEOUT} as its timeout. */
  public static HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(ANSWER_TIMEOUT);
  }

  /**
   * Sends the request and waits for its answer, headers and body (the request's own timeout ends at
   * the headers), at most {@link #ANSWER_TIMEOUT}; an answer that does not come fails with the
   * request's method and URI.
   */
  public static <T> HttpResponse<T> send(
      HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> body)
      throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<T>> answer = client.sendAsync(request, body);
    try {
      return answer.get(limit(request).toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw noAnswer(request, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpTimeoutException) {
        throw noAnswer(request, cause);
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(cause);
    }
  }

  private static Duration limit(HttpRequest request) {
    return request.timeout().orElse(ANSWER_TIMEOUT);
  }

  private static AssertionError noAnswer(HttpRequest request, Throwable cause) {
    return new AssertionError(
        "no answer to "
            + request.method()
            + " "
            + request.uri()
            + " within "
            + limit(request).toSeconds()
            + " s",
        cause);
  }
}
