package dev.regionrouter.mockregion.http;

import dev.regionrouter.mockregion.inference.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.io.OutputStream;
import java.util.function.Consumer;

/** Builds every response the mock sends, so each one carries {@code X-Mock-Region}. */
final class Responses {

  static final AsciiString X_MOCK_REGION = AsciiString.cached("X-Mock-Region");
  private static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
  private static final AsciiString TEXT_EVENT_STREAM = AsciiString.cached("text/event-stream");
  // Header names and values are ours and constant (the region is checked at start): skip
  // validation.
  private static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);
  private static final HttpHeadersFactory TRAILERS =
      DefaultHttpHeadersFactory.trailersFactory().withValidation(false);

  private final AsciiString region;

  Responses(String region) {
    this.region = AsciiString.of(region);
  }

  FullHttpResponse json(HttpResponseStatus status, ByteBuf body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body, HEADERS, TRAILERS);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
        .set(X_MOCK_REGION, region);
    return response;
  }

  /** A constant body: wrapped, not copied. */
  FullHttpResponse json(HttpResponseStatus status, byte[] body) {
    return json(status, Unpooled.wrappedBuffer(body));
  }

  FullHttpResponse json(
      ByteBufAllocator alloc, HttpResponseStatus status, Consumer<OutputStream> writer) {
    return json(status, write(alloc, 256, writer));
  }

  FullHttpResponse error(
      ByteBufAllocator alloc, HttpResponseStatus status, String code, String message) {
    return json(alloc, status, out -> Json.writeError(out, code, message));
  }

  /** The head of a Server-Sent Events answer; chunks follow with chunked transfer encoding. */
  HttpResponse eventStreamHead() {
    HttpResponse response =
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, HEADERS);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, TEXT_EVENT_STREAM)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
        .set(X_MOCK_REGION, region);
    return response;
  }

  static ByteBuf write(ByteBufAllocator alloc, int sizeHint, Consumer<OutputStream> writer) {
    ByteBuf buffer = alloc.buffer(sizeHint);
    try {
      writer.accept(new ByteBufOutputStream(buffer));
      return buffer;
    } catch (RuntimeException e) {
      buffer.release();
      throw e;
    }
  }
}
