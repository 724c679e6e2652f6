package dev.regionrouter.router.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * {@link UpstreamClient} on Apache HttpClient 5, classic (blocking) API: the router's requests run
 * on virtual threads, so a blocking client costs no platform thread per call and avoids the JDK
 * client's CompletableFuture/Flow hand-offs between threads (measured in bench/hotpath: about half
 * the router's CPU per request). HTTP/1.1 with a keep-alive pool, LIFO so the hottest connections
 * stay warm; no HTTP/2 (the classic API does not do it: use router.proxy.client=jdk for h2).
 *
 * <p>The timeout covers the whole exchange: a timer aborts the request when it passes (the
 * connection is closed, never returned to the pool), which unblocks a region that hangs before or
 * during its answer. No automatic retries, redirects, cookies or decompression: the attempt loop
 * decides about retries and bodies cross unchanged.
 */
public class ApacheUpstreamClient implements UpstreamClient {

  /** Headers the client sets itself (framing) or that must not cross the proxy. */
  private static final Set<String> NOT_SETTABLE = Set.of("connection", "content-length", "expect", "host", "upgrade",
      "keep-alive", "te", "trailer", "transfer-encoding", "proxy-connection");

  private final PoolingHttpClientConnectionManager pool;
  private final CloseableHttpClient client;
  /** Aborts exchanges past their timeout; cancelled tasks are removed at once (they hold the request). */
  private final ScheduledThreadPoolExecutor timer;

  public ApacheUpstreamClient(Duration connectTimeout, int maxConnectionsPerRegion) {
    this.pool = PoolingHttpClientConnectionManagerBuilder.create()
        .setMaxConnPerRoute(maxConnectionsPerRegion)
        .setMaxConnTotal(maxConnectionsPerRegion * 4)
        .setConnPoolPolicy(PoolReusePolicy.LIFO)
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setConnectTimeout(Timeout.of(connectTimeout))
            // a connection idle this long is checked before reuse: a region may have closed it
            .setValidateAfterInactivity(TimeValue.ofSeconds(1))
            .build())
        .build();
    this.client = HttpClients.custom()
        .setConnectionManager(pool)
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableAuthCaching()
        .disableContentCompression()
        .evictIdleConnections(TimeValue.ofSeconds(30))
        .build();
    this.timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("upstream-timeouts").factory());
    timer.setRemoveOnCancelPolicy(true);
  }

  @Override
  public Buffered exchange(Request request, Duration timeout, long maxBodyBytes) throws IOException, InterruptedException {
    Call call = start(request, timeout);
    try {
      ClassicHttpResponse response = call.response;
      HttpEntity entity = response.getEntity();
      byte[] body;
      if (entity == null) {
        body = new byte[0];
      } else {
        long declared = entity.getContentLength();
        if (declared > maxBodyBytes) {
          // refused before a byte of it is read; the connection is dropped, not drained
          call.abort();
          throw new ResponseTooLargeException(maxBodyBytes);
        }
        try (InputStream in = entity.getContent()) {
          body = declared >= 0 ? readExactly(in, (int) declared) : readLimited(in, maxBodyBytes, call);
        }
      }
      return new Buffered(response.getCode(), headers(response), body);
    } catch (IOException e) {
      call.abort();
      checkInterrupted();
      throw call.translate(e);
    } finally {
      call.finish();
    }
  }

  /** A caller that went away interrupts its thread: that is not the region's failure. */
  private static void checkInterrupted() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }

  @Override
  public Streaming open(Request request, Duration timeout) throws IOException, InterruptedException {
    Call call = start(request, timeout);
    // the timeout covers the response headers only: the relay has its own idle watchdog
    call.disarm();
    ClassicHttpResponse response = call.response;
    Map<String, List<String>> headers = headers(response);
    InputStream body;
    try {
      body = response.getEntity() == null ? InputStream.nullInputStream() : response.getEntity().getContent();
    } catch (IOException e) {
      call.abort();
      throw e;
    }
    return new Streaming() {
      @Override
      public int status() {
        return response.getCode();
      }

      @Override
      public Map<String, List<String>> headers() {
        return headers;
      }

      @Override
      public InputStream body() {
        return body;
      }

      @Override
      public void close() {
        // a body read to its end has already returned the connection to the pool; otherwise
        // (caller gone, stream idle, region broke) the connection is closed, never drained
        call.abort();
      }
    };
  }

  /** Sends the request and waits for the response head, with the exchange's timer armed. */
  private Call start(Request request, Duration timeout) throws IOException, InterruptedException {
    HttpUriRequestBase http = new HttpUriRequestBase(request.method(), request.uri());
    http.setConfig(RequestConfig.custom()
        .setResponseTimeout(Timeout.of(timeout))
        .setConnectionRequestTimeout(Timeout.of(timeout))
        .build());
    request.headers().forEach((name, values) -> {
      if (!NOT_SETTABLE.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
        for (String v : values) {
          http.addHeader(name, v);
        }
      }
    });
    byte[] body = request.body();
    if (body != null && body.length > 0) {
      http.setEntity(new ByteArrayEntity(body, null));
    }
    Call call = new Call(http, timeout);
    call.timeoutTask = timer.schedule(call::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
    try {
      call.response = client.executeOpen(null, http, null);
    } catch (IOException e) {
      call.finish();
      checkInterrupted();
      throw call.translate(e);
    }
    if (Thread.interrupted()) {
      call.abort();
      call.finish();
      throw new InterruptedException();
    }
    return call;
  }

  /** One exchange in flight: its request (to abort it), response and timer. */
  private static final class Call {
    final HttpUriRequestBase request;
    final Duration timeout;
    volatile ScheduledFuture<?> timeoutTask;
    volatile boolean expired;
    ClassicHttpResponse response;

    Call(HttpUriRequestBase request, Duration timeout) {
      this.request = request;
      this.timeout = timeout;
    }

    void expire() {
      expired = true;
      request.cancel(); // closes the connection: a blocked read or connect fails at once
    }

    void disarm() {
      ScheduledFuture<?> task = timeoutTask;
      if (task != null) {
        task.cancel(false);
      }
    }

    void abort() {
      request.cancel(); // discards the connection if this exchange still holds it
      ClassicHttpResponse r = response;
      if (r != null) {
        try {
          r.close();
        } catch (IOException e) {
          // the connection is gone either way
        }
      }
    }

    void finish() {
      disarm();
    }

    IOException translate(IOException e) {
      if (e instanceof ConnectTimeoutException) {
        HttpConnectTimeoutException t = new HttpConnectTimeoutException("connect timed out: " + e.getMessage());
        t.initCause(e);
        return t;
      }
      if (expired || e instanceof SocketTimeoutException) {
        HttpTimeoutException t = new HttpTimeoutException("no answer within " + timeout.toMillis() + " ms");
        t.initCause(e);
        return t;
      }
      if (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException) && request.isCancelled()) {
        return new IOException("aborted", e);
      }
      return e;
    }
  }

  private static byte[] readExactly(InputStream in, int length) throws IOException {
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new IOException("the answer ended after " + body.length + " of " + length + " bytes");
    }
    return body;
  }

  private static byte[] readLimited(InputStream in, long maxBytes, Call call) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      if (out.size() + (long) n > maxBytes) {
        call.abort();
        throw new ResponseTooLargeException(maxBytes);
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  private static Map<String, List<String>> headers(ClassicHttpResponse response) {
    Header[] all = response.getHeaders();
    Map<String, List<String>> out = new LinkedHashMap<>(all.length * 2);
    for (Header h : all) {
      out.computeIfAbsent(h.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(h.getValue());
    }
    return out;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    client.close(CloseMode.IMMEDIATE);
    pool.close(CloseMode.IMMEDIATE);
  }
}
