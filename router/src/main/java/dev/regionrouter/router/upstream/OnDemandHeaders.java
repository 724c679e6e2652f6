package dev.regionrouter.router.upstream;

import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Headers that make their map on the first write: an HTTP/1.1 decoder gives every message's end a
 * trailers map, and almost every message has no trailers. Until something is added this reads as
 * empty and costs one small object; after, it is the factory's own map.
 */
final class OnDemandHeaders extends HttpHeaders {

  private final HttpHeadersFactory factory;
  private HttpHeaders headers = EmptyHttpHeaders.INSTANCE;

  OnDemandHeaders(HttpHeadersFactory factory) {
    this.factory = factory;
  }

  /** A factory of these, whose maps (once written) come from {@code factory}. */
  static HttpHeadersFactory factory(HttpHeadersFactory factory) {
    return new HttpHeadersFactory() {
      @Override
      public HttpHeaders newHeaders() {
        return new OnDemandHeaders(factory);
      }

      @Override
      public HttpHeaders newEmptyHeaders() {
        return new OnDemandHeaders(factory);
      }
    };
  }

  private HttpHeaders writable() {
    if (headers == EmptyHttpHeaders.INSTANCE) {
      headers = factory.newHeaders();
    }
    return headers;
  }

  @Override
  public String get(String name) {
    return headers.get(name);
  }

  @Override
  public String get(CharSequence name) {
    return headers.get(name);
  }

  @Override
  public Integer getInt(CharSequence name) {
    return headers.getInt(name);
  }

  @Override
  public int getInt(CharSequence name, int defaultValue) {
    return headers.getInt(name, defaultValue);
  }

  @Override
  public Short getShort(CharSequence name) {
    return headers.getShort(name);
  }

  @Override
  public short getShort(CharSequence name, short defaultValue) {
    return headers.getShort(name, defaultValue);
  }

  @Override
  public Long getTimeMillis(CharSequence name) {
    return headers.getTimeMillis(name);
  }

  @Override
  public long getTimeMillis(CharSequence name, long defaultValue) {
    return headers.getTimeMillis(name, defaultValue);
  }

  @Override
  public List<String> getAll(String name) {
    return headers.getAll(name);
  }

  @Override
  public List<String> getAll(CharSequence name) {
    return headers.getAll(name);
  }

  @Override
  public List<Map.Entry<String, String>> entries() {
    return headers.entries();
  }

  @Override
  public boolean contains(String name) {
    return headers.contains(name);
  }

  @Override
  public boolean contains(CharSequence name) {
    return headers.contains(name);
  }

  @Override
  public boolean contains(CharSequence name, CharSequence value, boolean ignoreCase) {
    return headers.contains(name, value, ignoreCase);
  }

  @Override
  public Iterator<Map.Entry<String, String>> iterator() {
    return headers.iterator();
  }

  @Override
  public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
    return headers.iteratorCharSequence();
  }

  @Override
  public boolean isEmpty() {
    return headers.isEmpty();
  }

  @Override
  public int size() {
    return headers.size();
  }

  @Override
  public Set<String> names() {
    return headers.names();
  }

  @Override
  public HttpHeaders add(String name, Object value) {
    writable().add(name, value);
    return this;
  }

  @Override
  public HttpHeaders add(CharSequence name, Object value) {
    writable().add(name, value);
    return this;
  }

  @Override
  public HttpHeaders add(String name, Iterable<?> values) {
    writable().add(name, values);
    return this;
  }

  @Override
  public HttpHeaders add(CharSequence name, Iterable<?> values) {
    writable().add(name, values);
    return this;
  }

  @Override
  public HttpHeaders addInt(CharSequence name, int value) {
    writable().addInt(name, value);
    return this;
  }

  @Override
  public HttpHeaders addShort(CharSequence name, short value) {
    writable().addShort(name, value);
    return this;
  }

  @Override
  public HttpHeaders set(String name, Object value) {
    writable().set(name, value);
    return this;
  }

  @Override
  public HttpHeaders set(CharSequence name, Object value) {
    writable().set(name, value);
    return this;
  }

  @Override
  public HttpHeaders set(String name, Iterable<?> values) {
    writable().set(name, values);
    return this;
  }

  @Override
  public HttpHeaders set(CharSequence name, Iterable<?> values) {
    writable().set(name, values);
    return this;
  }

  @Override
  public HttpHeaders setInt(CharSequence name, int value) {
    writable().setInt(name, value);
    return this;
  }

  @Override
  public HttpHeaders setShort(CharSequence name, short value) {
    writable().setShort(name, value);
    return this;
  }

  @Override
  public HttpHeaders remove(String name) {
    if (headers != EmptyHttpHeaders.INSTANCE) {
      headers.remove(name);
    }
    return this;
  }

  @Override
  public HttpHeaders remove(CharSequence name) {
    if (headers != EmptyHttpHeaders.INSTANCE) {
      headers.remove(name);
    }
    return this;
  }

  @Override
  public HttpHeaders clear() {
    if (headers != EmptyHttpHeaders.INSTANCE) {
      headers.clear();
    }
    return this;
  }

  @Override
  public HttpHeaders copy() {
    return headers == EmptyHttpHeaders.INSTANCE ? new OnDemandHeaders(factory) : headers.copy();
  }
}
