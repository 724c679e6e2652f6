package dev.regionrouter.mockregion.http;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.Locale;

/** The socket layer: native epoll when it is on the classpath and works here, NIO otherwise. */
record Transport(
    String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannel) {

  /** {@code auto} (epoll if possible), {@code epoll} (or fail) or {@code nio}. */
  static Transport select(String wanted) {
    return switch (wanted.toLowerCase(Locale.ROOT)) {
      case "nio" -> nio();
      case "epoll" -> {
        Transport epoll = epollOrNull();
        if (epoll == null) {
          throw new IllegalStateException("the epoll transport is not available here");
        }
        yield epoll;
      }
      case "auto" -> {
        Transport epoll = epollOrNull();
        yield epoll != null ? epoll : nio();
      }
      default ->
          throw new IllegalArgumentException("transport must be auto, epoll or nio, got " + wanted);
    };
  }

  private static Transport nio() {
    return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
  }

  private static Transport epollOrNull() {
    try {
      return EpollSupport.create();
    } catch (LinkageError e) {
      // netty-transport-classes-epoll is optional: absent from a user's test classpath
      return null;
    }
  }

  /** Separate class so the epoll classes are only loaded when asked for. */
  private static final class EpollSupport {
    static Transport create() {
      return Epoll.isAvailable()
          ? new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class)
          : null;
    }
  }
}
