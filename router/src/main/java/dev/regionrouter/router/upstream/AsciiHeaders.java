package dev.regionrouter.router.upstream;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.util.AsciiString;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Header names and values as Netty's {@link AsciiString} where they repeat request after request
 * (known names, the router's own headers, region names, hosts): the HTTP encoder copies an
 * AsciiString's bytes at once, a String one char at a time (a cost on every request; figures in
 * bench/RESULTS.md). Anything else is passed through as it is.
 */
public final class AsciiHeaders {

  /**
   * Headers of messages the router builds itself: their names come from the router's code or from a
   * decoder that already validated them, so they are not validated a second time. Such a message
   * has a handful of headers: a hash table of 8 buckets holds them (any number still fits).
   */
  public static final HttpHeadersFactory OUTGOING =
      sized(DefaultHttpHeadersFactory.headersFactory().withValidation(false), 8);

  /**
   * The router's own whole messages carry no trailers: one shared empty set instead of a map each.
   */
  public static final HttpHeadersFactory OUTGOING_TRAILERS =
      new HttpHeadersFactory() {
        @Override
        public HttpHeaders newHeaders() {
          return EmptyHttpHeaders.INSTANCE;
        }

        @Override
        public HttpHeaders newEmptyHeaders() {
          return EmptyHttpHeaders.INSTANCE;
        }
      };

  /**
   * Trailers as a decoder makes them for every message it reads: nothing until one is added (almost
   * no message has any), then a map of the base factory's with 2 buckets.
   */
  public static HttpHeadersFactory trailers(DefaultHttpHeadersFactory base) {
    return OnDemandHeaders.factory(sized(base, 2));
  }

  /**
   * The factory's headers with a hash table of this many buckets (a power of two) instead of 16:
   * for maps that hold a few entries (any number still fits, in longer chains).
   */
  public static HttpHeadersFactory sized(DefaultHttpHeadersFactory base, int buckets) {
    return new HttpHeadersFactory() {
      @Override
      public HttpHeaders newHeaders() {
        return new SizedHeaders(base, buckets);
      }

      @Override
      public HttpHeaders newEmptyHeaders() {
        return new SizedHeaders(base, 2);
      }
    };
  }

  private static final class SizedHeaders extends DefaultHttpHeaders {
    SizedHeaders(DefaultHttpHeadersFactory base, int buckets) {
      super(base.getNameValidator(), base.getValueValidator(), buckets);
    }
  }

  private static final Map<String, AsciiString> KNOWN = new HashMap<>();

  /** Values seen again and again (region names, host headers); bounded, cleared when full. */
  private static final int MAX_REPEATED = 4096;

  private static final Map<String, AsciiString> REPEATED = new ConcurrentHashMap<>();

  /** Small counts (attempts), by value. */
  private static final AsciiString[] COUNTS = new AsciiString[17];

  static {
    for (AsciiString name :
        new AsciiString[] {
          HttpHeaderNames.ACCEPT,
          HttpHeaderNames.AUTHORIZATION,
          HttpHeaderNames.CACHE_CONTROL,
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.CONTENT_LENGTH,
          HttpHeaderNames.CONTENT_TYPE,
          HttpHeaderNames.HOST,
          HttpHeaderNames.RETRY_AFTER,
          HttpHeaderNames.USER_AGENT,
          HttpHeaderValues.APPLICATION_JSON,
          HttpHeaderValues.CLOSE,
          HttpHeaderValues.TEXT_EVENT_STREAM,
          AsciiString.cached(HeaderPolicy.REGION_HEADER),
          AsciiString.cached(HeaderPolicy.ATTEMPTS_HEADER)
        }) {
      KNOWN.put(name.toString(), name);
    }
    for (int i = 0; i < COUNTS.length; i++) {
      COUNTS[i] = AsciiString.cached(Integer.toString(i));
      KNOWN.put(Integer.toString(i), COUNTS[i]);
    }
  }

  private AsciiHeaders() {}

  /** A header name or a value from a small fixed set: its AsciiString, or the string itself. */
  public static CharSequence known(String value) {
    AsciiString ascii = KNOWN.get(value);
    return ascii != null ? ascii : value;
  }

  /** A count as a header value: no new string for a small one (attempts). */
  public static CharSequence count(int value) {
    return value >= 0 && value < COUNTS.length ? COUNTS[value] : Integer.toString(value);
  }

  /** A value that repeats (a region's name, a host header): cached as an AsciiString. */
  public static CharSequence repeated(String value) {
    AsciiString ascii = REPEATED.get(value);
    if (ascii != null) {
      return ascii;
    }
    if (REPEATED.size() >= MAX_REPEATED) {
      REPEATED.clear(); // a long life of table changes: start over rather than grow
    }
    ascii = new AsciiString(value);
    REPEATED.put(value, ascii);
    return ascii;
  }
}
