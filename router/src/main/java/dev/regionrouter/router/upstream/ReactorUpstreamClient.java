package dev.regionrouter.router.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;

/**
 * {@link UpstreamClient} on Reactor Netty's {@link HttpClient} and a {@link ConnectionProvider}:
 * idle connections kept LIFO and closed after the idle timeout by the pool's background eviction,
 * h2 offered to https regions by ALPN when enabled. No retries but Reactor Netty's own one retry of
 * a request whose pooled connection was closed before it was sent, no redirects, no decompression.
 */
public class ReactorUpstreamClient implements UpstreamClient {

  private static final Set<String> NOT_SETTABLE =
      Set.of(
          "connection",
          "content-length",
          "expect",
          "host",
          "upgrade",
          "keep-alive",
          "te",
          "trailer",
          "transfer-encoding",
          "proxy-connection");

  /** Connections per region the pool opens at most; calls beyond them wait for one. */
  private static final int MAX_CONNECTIONS_PER_REGION = 4096;

  private final ConnectionProvider provider;
  private final HttpClient http;

  public ReactorUpstreamClient(
      Duration connectTimeout, Duration idleTimeout, boolean http2, File trustedCas) {
    Duration idle = idleTimeout.isZero() ? Duration.ofMillis(1) : idleTimeout;
    Duration sweep =
        idle.dividedBy(2).compareTo(Duration.ofMillis(10)) < 0
            ? Duration.ofMillis(10)
            : idle.dividedBy(2);
    this.provider =
        ConnectionProvider.builder("regions")
            .maxConnections(MAX_CONNECTIONS_PER_REGION)
            .pendingAcquireMaxCount(-1)
            .maxIdleTime(idle)
            .evictInBackground(sweep)
            .lifo()
            .build();
    HttpClient client =
        HttpClient.create(provider)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .followRedirect(false)
            .compress(false)
            .doOnRequest(
                (request, connection) ->
                    request
                        .currentContextView()
                        .<Attempt>getOrEmpty(Attempt.class)
                        .ifPresent(a -> a.reused = connection.channel().hasAttr(ANSWERED_BEFORE)))
            .doOnResponse(
                (response, connection) ->
                    connection.channel().attr(ANSWERED_BEFORE).set(Boolean.TRUE));
    if (http2) {
      client =
          client
              .protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
              .secure(
                  spec ->
                      spec.sslContext(
                          Http2SslContextSpec.forClient()
                              .configure(
                                  b -> {
                                    if (trustedCas != null) {
                                      b.trustManager(trustedCas);
                                    }
                                  })));
    } else {
      client =
          client.secure(
              spec ->
                  spec.sslContext(
                      Http11SslContextSpec.forClient()
                          .configure(
                              b -> {
                                if (trustedCas != null) {
                                  b.trustManager(trustedCas);
                                }
                              })));
    }
    this.http = client;
  }

  @Override
  public CompletableFuture<Buffered> exchange(
      Request request, Duration timeout, long maxBodyBytes) {
    Mono<Buffered> answer =
        send(request)
            .responseConnection(
                (response, connection) -> buffered(response, connection, maxBodyBytes))
            .single();
    return complete(answer, timeout);
  }

  @Override
  public CompletableFuture<Streaming> open(Request request, Duration timeout) {
    Mono<Streaming> head =
        send(request)
            .responseConnection(
                (response, connection) -> Mono.<Streaming>just(new Stream(response, connection)))
            .single();
    return complete(head, timeout);
  }

  private HttpClient.ResponseReceiver<?> send(Request request) {
    byte[] body = request.body() == null ? new byte[0] : request.body();
    boolean length =
        body.length > 0 || !request.method().equals("GET") && !request.method().equals("HEAD");
    return http.request(HttpMethod.valueOf(request.method()))
        .uri(request.uri())
        .send(
            (out, outbound) -> {
              HttpHeaders headers = out.requestHeaders();
              request
                  .headers()
                  .forEach(
                      (name, values) -> {
                        if (!NOT_SETTABLE.contains(name.toLowerCase(Locale.ROOT))) {
                          for (String value : values) {
                            headers.add(name, value);
                          }
                        }
                      });
              if (length) {
                headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                return outbound.send(Mono.just(Unpooled.wrappedBuffer(body)));
              }
              return outbound;
            });
  }

  private static Mono<Buffered> buffered(
      HttpClientResponse response, Connection connection, long maxBodyBytes) {
    String declared = response.responseHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
    if (declared != null && parseLength(declared) > maxBodyBytes) {
      connection.dispose();
      return Mono.error(new ResponseTooLargeException(maxBodyBytes));
    }
    return connection
        .inbound()
        .receive()
        .reduceWith(
            () -> new Body(maxBodyBytes),
            (body, part) -> {
              if (!body.add(part)) {
                connection.dispose();
                throw reactor.core.Exceptions.propagate(
                    new ResponseTooLargeException(maxBodyBytes));
              }
              return body;
            })
        .map(
            body ->
                new Buffered(
                    response.status().code(),
                    new Headers(response.responseHeaders()),
                    body.bytes()));
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A buffered body, copied out of the connection's buffers part by part, up to a limit. */
  private static final class Body {
    private final long max;
    private byte[] bytes = new byte[0];
    private int size;

    Body(long max) {
      this.max = max;
    }

    boolean add(ByteBuf part) {
      int n = part.readableBytes();
      if (size + (long) n > max) {
        return false;
      }
      if (size + n > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(size + n, bytes.length * 2));
      }
      part.getBytes(part.readerIndex(), bytes, size, n);
      size += n;
      return true;
    }

    byte[] bytes() {
      return size == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, size);
    }
  }

  /** Set on a connection once it carried an answer: a later request on it reuses it. */
  private static final io.netty.util.AttributeKey<Boolean> ANSWERED_BEFORE =
      io.netty.util.AttributeKey.valueOf("region-router.answered-before");

  /** Whether a call's last try went out on a reused connection. */
  private static final class Attempt {
    volatile boolean reused;
  }

  /**
   * The mono as a future, within the timeout; cancelling the future cancels the call. A call whose
   * pooled connection the region closed before any answer (most likely as idle, while the request
   * was on its way) is sent once more on a new connection instead of failing the region.
   */
  private static <T> CompletableFuture<T> complete(Mono<T> call, Duration timeout) {
    Attempt attempt = new Attempt();
    return call.retryWhen(
            reactor.util.retry.Retry.max(1)
                .filter(
                    e ->
                        e instanceof reactor.netty.http.client.PrematureCloseException
                            && attempt.reused
                            && String.valueOf(e.getMessage()).contains("BEFORE response")))
        .contextWrite(reactor.util.context.Context.of(Attempt.class, attempt))
        .timeout(timeout)
        .onErrorMap(e -> failure(e, timeout))
        .toFuture();
  }

  private static Throwable failure(Throwable e, Duration timeout) {
    e = reactor.core.Exceptions.unwrap(e);
    if (e instanceof TimeoutException) {
      return new HttpTimeoutException("no answer within " + timeout.toMillis() + " ms");
    }
    if (e instanceof ConnectTimeoutException) {
      return new HttpConnectTimeoutException(e.getMessage());
    }
    if (e instanceof ConnectException || e instanceof ResponseTooLargeException) {
      return e;
    }
    if (e instanceof java.net.UnknownHostException
        || e instanceof java.nio.channels.UnresolvedAddressException) {
      ConnectException c = new ConnectException("unknown host: " + e.getMessage());
      c.initCause(e);
      return c;
    }
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (message.contains("refused") || message.contains("unreachable")) {
      ConnectException c = new ConnectException(e.getMessage());
      c.initCause(e);
      return c;
    }
    return e instanceof IOException ? e : new IOException(e.toString(), e);
  }

  /** A streamed answer: its body read one chunk at a time, the next once the sink wrote it. */
  private static final class Stream implements Streaming {
    private final HttpClientResponse response;
    private final Connection connection;
    private final Map<String, List<String>> headers;
    private final CompletableFuture<Boolean> done = new CompletableFuture<>();

    Stream(HttpClientResponse response, Connection connection) {
      this.response = response;
      this.connection = connection;
      this.headers = new Headers(response.responseHeaders());
    }

    @Override
    public int status() {
      return response.status().code();
    }

    @Override
    public Map<String, List<String>> headers() {
      return headers;
    }

    @Override
    public CompletableFuture<Boolean> relay(BodySink sink, Duration idleTimeout) {
      connection
          .inbound()
          .receive()
          .timeout(idleTimeout)
          .subscribe(
              new BaseSubscriber<ByteBuf>() {
                @Override
                protected void hookOnSubscribe(Subscription subscription) {
                  request(1);
                }

                @Override
                protected void hookOnNext(ByteBuf chunk) {
                  if (!chunk.isReadable()) {
                    request(1);
                    return;
                  }
                  sink.write(chunk.retain())
                      .whenComplete(
                          (ok, error) -> {
                            if (error != null) {
                              cancel();
                              end(true); // the caller left: not the region's fault
                            } else {
                              request(1);
                            }
                          });
                }

                @Override
                protected void hookOnComplete() {
                  done.complete(true);
                }

                @Override
                protected void hookOnError(Throwable error) {
                  end(false); // the region broke the stream or went idle
                }
              });
      return done;
    }

    private void end(boolean complete) {
      if (done.complete(complete)) {
        connection.dispose();
      }
    }

    @Override
    public void close() {
      end(true);
    }
  }

  /** An answer's headers as the interface's map (names in lower case), built on first use. */
  private static final class Headers extends java.util.AbstractMap<String, List<String>> {
    private final HttpHeaders headers;
    private Map<String, List<String>> built;

    Headers(HttpHeaders headers) {
      this.headers = headers;
    }

    @Override
    public Set<Map.Entry<String, List<String>>> entrySet() {
      if (built == null) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String name : headers.names()) {
          map.put(name.toLowerCase(Locale.ROOT), headers.getAll(name));
        }
        built = java.util.Collections.unmodifiableMap(map);
      }
      return built.entrySet();
    }
  }

  @Override
  public void close() {
    provider.disposeLater().block(Duration.ofSeconds(5));
  }
}
