package dev.regionrouter.router.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A region at the socket level, for the faults an HTTP server library will not produce: a reset in
 * the middle of a request, a hang, a stream cut in the middle. /health is answered normally so the
 * fault is met by real traffic, not by probes.
 */
public final class RawRegion implements AutoCloseable {

  public enum Fault {
    /** Reads the request, then resets the connection (RST) without answering. */
    RESET,
    /** Resets the first request's connection, then answers every later one (inference JSON). */
    RESET_ONCE,
    /** Reads the request and never answers. */
    HANG,
    /** Starts a chunked event stream, sends two events, then drops the connection. */
    DISCONNECT_MID_STREAM,
    /**
     * Starts a chunked event stream, sends one event, then goes silent with the connection open.
     */
    STALL_MID_STREAM,
    /** Sends its status line and headers one byte at a time, 50 ms apart (a slowloris upstream). */
    SLOW_HEADERS,
    /** Announces a 1,000-byte JSON answer, sends 100 bytes of it, then drops the connection. */
    CLOSE_MID_BODY
  }

  private final ServerSocket server;
  private final Fault fault;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger faultsServed = new AtomicInteger();
  private final AtomicInteger closedByRouter = new AtomicInteger();
  private volatile boolean closing;

  public RawRegion(Fault fault) throws IOException {
    this.fault = fault;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::acceptLoop);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  public int faultsServed() {
    return faultsServed.get();
  }

  /**
   * Connections of a HANG or STALL_MID_STREAM fault that the router closed (gave up, or cancelled).
   */
  public int closedByRouter() {
    return closedByRouter.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        open.add(socket);
        Thread.ofVirtual().start(() -> serve(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      while (true) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        skipBody(head, in);
        if (head.startsWith("GET /health")) {
          byte[] body =
              "{\"status\":\"healthy\",\"region\":\"raw\"}".getBytes(StandardCharsets.UTF_8);
          out.write(
              ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                      + body.length
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.write(body);
          out.flush();
          continue;
        }
        faultsServed.incrementAndGet();
        switch (fault) {
          case RESET -> {
            socket.setSoLinger(true, 0);
            socket.close();
            return;
          }
          case RESET_ONCE -> {
            if (faultsServed.get() == 1) {
              socket.setSoLinger(true, 0);
              socket.close();
              return;
            }
            byte[] answer =
                "{\"output\":\"raw\",\"tokens_used\":1}".getBytes(StandardCharsets.UTF_8);
            out.write(
                ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                        + answer.length
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(answer);
            out.flush();
            continue;
          }
          case HANG -> {
            awaitRouterClose(in);
            return;
          }
          case STALL_MID_STREAM -> {
            out.write(
                ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] event = "data: {\"chunk\":0}\n\n".getBytes(StandardCharsets.UTF_8);
            out.write(
                (Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(event);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitRouterClose(in);
            return;
          }
          case SLOW_HEADERS -> {
            byte[] answer =
                ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: "
                        + "x".repeat(100)
                        + "\r\nContent-Length: 2\r\n\r\n{}")
                    .getBytes(StandardCharsets.US_ASCII);
            for (byte b : answer) {
              out.write(b);
              out.flush();
              Thread.sleep(50); // the fault itself: a region that trickles its answer
            }
            return;
          }
          case CLOSE_MID_BODY -> {
            out.write(
                ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                        + "{\"output\":\""
                        + "x".repeat(88))
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.close();
            return;
          }
          case DISCONNECT_MID_STREAM -> {
            out.write(
                ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 2; i++) {
              byte[] event = ("data: {\"chunk\":" + i + "}\n\n").getBytes(StandardCharsets.UTF_8);
              out.write(
                  (Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
              out.write(event);
              out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
              out.flush();
            }
            Thread.sleep(
                200); // the events reach the router (a reset drops what it has not read yet)
            socket.setSoLinger(true, 0);
            socket.close();
            return;
          }
          default -> throw new IllegalStateException();
        }
      }
    } catch (IOException e) {
      // the router gave up on us: expected for HANG
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  /** Holds the connection open until the router closes it (counted) or the test ends. */
  private void awaitRouterClose(InputStream in) {
    try {
      while (in.read() >= 0) {
        // nothing more is expected from the router; keep reading until it hangs up
      }
      if (!closing) {
        closedByRouter.incrementAndGet();
      }
    } catch (IOException e) {
      if (!closing) {
        closedByRouter.incrementAndGet(); // reset by the router
      }
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      state =
          (b == '\r' && (state == 0 || state == 2))
              ? state + 1
              : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) {
        return head.toString(StandardCharsets.US_ASCII);
      }
    }
    return null;
  }

  private static void skipBody(String head, InputStream in) throws IOException {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        in.readNBytes(Integer.parseInt(line.substring(15).trim()));
      }
    }
  }

  @Override
  public void close() throws IOException {
    closing = true;
    server.close();
    for (Socket socket : open) {
      socket.close();
    }
  }
}
