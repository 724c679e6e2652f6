package dev.regionrouter.router.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import reactor.netty.http.server.HttpRequestDecoderSpec;
import reactor.netty.http.server.HttpServer;

/**
 * The data plane's request codec: the server's decoder settings with smaller header maps. The
 * limits and the header validation the server was given still hold; every header and trailer
 * arrives.
 */
class DataPlaneCodecTest {

  /** A server's codec, its decoder settings changed by {@code settings}. */
  private static EmbeddedChannel server(UnaryOperator<HttpRequestDecoderSpec> settings) {
    HttpRequestDecoderSpec spec =
        HttpServer.create().httpRequestDecoder(settings).configuration().decoder();
    return new EmbeddedChannel(new HttpServerCodec(DataPlane.decoderConfig(spec)));
  }

  private static void feed(EmbeddedChannel channel, String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
  }

  @Test
  void headersAndTrailersArriveWhole() {
    EmbeddedChannel channel = server(spec -> spec);
    StringBuilder headers = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      headers.append("X-H").append(i).append(": v").append(i).append("\r\n");
    }
    feed(
        channel,
        "POST /v1/inference HTTP/1.1\r\nHost: r\r\n"
            + headers
            + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-Sum: 9\r\n\r\n");
    HttpRequest request = channel.readInbound();
    assertThat(request.decoderResult().isSuccess()).isTrue();
    assertThat(request.headers().get("X-H19")).isEqualTo("v19");
    assertThat(request.headers().size()).isEqualTo(22);
    LastHttpContent last = null;
    for (Object msg; (msg = channel.readInbound()) != null; ) {
      if (msg instanceof LastHttpContent end) {
        last = end;
      } else {
        ReferenceCountUtil.release(msg);
      }
    }
    assertThat(last.trailingHeaders().get("X-Sum")).isEqualTo("9");
    last.release();
  }

  @Test
  void theServersLimitsStillHold() {
    EmbeddedChannel channel = server(spec -> spec.maxInitialLineLength(64));
    feed(channel, "GET /v1/" + "x".repeat(100) + " HTTP/1.1\r\nHost: r\r\n\r\n");
    HttpRequest request = channel.readInbound();
    assertThat(request.decoderResult().cause()).isInstanceOf(TooLongFrameException.class);

    EmbeddedChannel small = server(spec -> spec.maxHeaderSize(64));
    feed(small, "GET /v1/models HTTP/1.1\r\nX-Big: " + "y".repeat(100) + "\r\n\r\n");
    HttpRequest tooBig = small.readInbound();
    assertThat(tooBig.decoderResult().cause()).isInstanceOf(TooLongFrameException.class);
  }

  @Test
  void headerValidationFollowsTheServer() {
    String bad = "GET /v1/models HTTP/1.1\r\nHost: r\r\nX-Bad: a\u0000b\r\n\r\n";
    EmbeddedChannel validating = server(spec -> spec);
    feed(validating, bad);
    HttpRequest refused = validating.readInbound();
    assertThat(refused.decoderResult().isFailure()).isTrue();

    EmbeddedChannel lenient = server(spec -> spec.validateHeaders(false));
    feed(lenient, bad);
    HttpRequest accepted = lenient.readInbound();
    assertThat(accepted.decoderResult().isSuccess()).isTrue();
  }
}
