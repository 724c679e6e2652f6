package dev.regionrouter.router.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link UpstreamClient} on the JDK's HttpClient: pooled keep-alive connections, HTTP/2 over TLS
 * (ALPN) and HTTP/1.1 in clear text (no h2c upgrade dance on every new connection), callbacks on
 * virtual threads. The timeout covers the whole exchange: the future is cancelled when it passes,
 * which aborts the connection of a region that hangs.
 */
public class JdkUpstreamClient implements UpstreamClient {

  /** Headers the JDK client refuses to set (it owns them) or that must not cross the proxy. */
  private static final Set<String> NOT_SETTABLE = Set.of("connection", "content-length", "expect", "host", "upgrade",
      "date", "from", "via", "warning", "keep-alive", "te", "trailer", "transfer-encoding");

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient client;
  private final boolean http2;

  public JdkUpstreamClient(Duration connectTimeout, boolean http2) {
    this.http2 = http2;
    this.client = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(executor)
        .version(http2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
        .build();
  }

  @Override
  public Buffered exchange(Request request, Duration timeout, long maxBodyBytes) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = await(client.sendAsync(build(request, timeout),
        info -> new LimitedBody(maxBodyBytes, info.headers().firstValueAsLong("content-length").orElse(-1))), timeout);
    return new Buffered(response.statusCode(), response.headers().map(), response.body());
  }

  /**
   * Collects a body up to a limit. Past it, the subscription is cancelled (the JDK client then
   * drops the connection instead of reading the rest) and the exchange fails with
   * ResponseTooLargeException.
   */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long maxBytes;
    private final long declaredBytes;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    private java.util.concurrent.Flow.Subscription subscription;

    LimitedBody(long maxBytes, long declaredBytes) {
      this.maxBytes = maxBytes;
      this.declaredBytes = declaredBytes;
    }

    @Override
    public java.util.concurrent.CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
      this.subscription = subscription;
      if (declaredBytes > maxBytes) {
        // refused before a byte of it is read when the region says how big it is
        subscription.cancel();
        result.completeExceptionally(new ResponseTooLargeException(maxBytes));
        return;
      }
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<java.nio.ByteBuffer> buffers) {
      if (result.isDone()) {
        return;
      }
      for (java.nio.ByteBuffer buffer : buffers) {
        if (bytes.size() + (long) buffer.remaining() > maxBytes) {
          subscription.cancel();
          result.completeExceptionally(new ResponseTooLargeException(maxBytes));
          return;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        bytes.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }

  @Override
  public Streaming open(Request request, Duration timeout) throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        await(client.sendAsync(build(request, timeout), HttpResponse.BodyHandlers.ofInputStream()), timeout);
    return new Streaming() {
      @Override
      public int status() {
        return response.statusCode();
      }

      @Override
      public Map<String, List<String>> headers() {
        return response.headers().map();
      }

      @Override
      public InputStream body() {
        return response.body();
      }

      @Override
      public void close() {
        try {
          response.body().close();
        } catch (IOException e) {
          // the connection is dropped either way
        }
      }
    };
  }

  private HttpRequest build(Request request, Duration timeout) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).timeout(timeout);
    // h2 only where ALPN negotiates it; clear-text h2c upgrades cost a round of headers per connection
    builder.version(http2 && "https".equalsIgnoreCase(request.uri().getScheme())
        ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
    request.headers().forEach((name, values) -> {
      if (!NOT_SETTABLE.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
        values.forEach(v -> builder.header(name, v));
      }
    });
    byte[] body = request.body();
    builder.method(request.method(), body == null || body.length == 0
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    return builder.build();
  }

  private static <T> T await(CompletableFuture<T> future, Duration timeout) throws IOException, InterruptedException {
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new HttpTimeoutException("no answer within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(cause == null ? e : cause);
    }
  }

  @Override
  public void close() {
    client.shutdownNow();
    executor.shutdownNow();
  }
}
