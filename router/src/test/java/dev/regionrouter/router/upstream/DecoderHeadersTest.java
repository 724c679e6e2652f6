package dev.regionrouter.router.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The region client's decoder with its smaller header maps: every header and trailer of an answer
 * still arrives, and the trailers map of one answer is its own.
 */
class DecoderHeadersTest {

  private static EmbeddedChannel client() {
    EmbeddedChannel channel = new EmbeddedChannel(Connector.codec());
    channel.writeOutbound(
        new io.netty.handler.codec.http.DefaultFullHttpRequest(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
            io.netty.handler.codec.http.HttpMethod.POST,
            "/v1/inference"));
    ReferenceCountUtil.release(channel.readOutbound());
    return channel;
  }

  private static void feed(EmbeddedChannel channel, String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
  }

  @Test
  void trailersOfAChunkedAnswerArriveAndAnAnswerWithoutThemHasNone() {
    EmbeddedChannel channel = client();
    feed(
        channel,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
            + "\r\n5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Tokens: 7\r\n\r\n");
    HttpResponse response = channel.readInbound();
    assertThat(response.headers().get("Content-Type")).isEqualTo("text/event-stream");
    LastHttpContent last = null;
    for (Object msg; (msg = channel.readInbound()) != null; ) {
      if (msg instanceof LastHttpContent end) {
        last = end;
      } else {
        ReferenceCountUtil.release(msg);
      }
    }
    assertThat(last).isNotNull();
    assertThat(last.trailingHeaders().get("X-Checksum")).isEqualTo("abc");
    assertThat(last.trailingHeaders().getInt("X-Tokens")).isEqualTo(7);
    assertThat(last.trailingHeaders().size()).isEqualTo(2);
    last.release();

    EmbeddedChannel again = client();
    feed(
        again,
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n"
            + "E: 5\r\nF: 6\r\nG: 7\r\nH: 8\r\nI: 9\r\nJ: 10\r\n\r\nok");
    HttpResponse many = again.readInbound();
    assertThat(many.headers().size()).isEqualTo(11); // more than the map's 8 buckets
    assertThat(many.headers().get("J")).isEqualTo("10");
    LastHttpContent plain = again.readInbound();
    assertThat(plain.trailingHeaders().isEmpty()).isTrue();
    assertThat(plain.trailingHeaders().get("X-Checksum")).isNull();
    plain.release();
  }

  @Test
  void eachMessageHasItsOwnTrailers() {
    var factory =
        AsciiHeaders.trailers(
            io.netty.handler.codec.http.DefaultHttpHeadersFactory.trailersFactory());
    var first = factory.newHeaders();
    var second = factory.newHeaders();
    first.add("X-One", "1");
    assertThat(first.get("X-One")).isEqualTo("1");
    assertThat(second.isEmpty()).isTrue();
    assertThat(first.copy().get("X-One")).isEqualTo("1");
    first.remove("X-One");
    assertThat(first.isEmpty()).isTrue();
    second.set("X-Two", "2").setInt("X-Three", 3);
    assertThat(second.names()).containsExactlyInAnyOrder("X-Two", "X-Three");
  }
}
