package dev.regionrouter.router.table;

import dev.regionrouter.api.table.InvalidRoutingTableException;
import dev.regionrouter.api.table.RoutingTableCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads the routing table from a file and re-reads it when it changes. Polls the file's size,
 * modification time and file key (inode) rather than using a WatchService: polling also sees a file
 * replaced by rename (editors, {@code mv}, a ConfigMap volume's symlink swap) and works on every
 * file system. A document whose bytes did not change is not parsed again.
 */
public class FileTableSource implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(FileTableSource.class);

  private final Path file;
  private final Duration pollInterval;
  private final TableHolder holder;
  private ScheduledExecutorService timer;
  private volatile boolean running;
  private Object lastStamp;
  private byte[] lastBytes;

  public FileTableSource(Path file, Duration pollInterval, TableHolder holder) {
    this.file = file.toAbsolutePath();
    this.pollInterval = pollInterval;
    this.holder = holder;
  }

  public static String describe(Path file) {
    return "file:" + file.toAbsolutePath();
  }

  @Override
  public void start() {
    // the first read happens before the server takes traffic, so a good file makes the router
    // ready at once
    poll();
    timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("table-file").factory());
    timer.scheduleWithFixedDelay(
        this::poll, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** One check of the file; never throws (the timer would stop). */
  synchronized void poll() {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      Object stamp =
          Arrays.asList(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
      if (Objects.equals(stamp, lastStamp)) {
        return;
      }
      byte[] bytes = Files.readAllBytes(file);
      lastStamp = stamp;
      if (Arrays.equals(bytes, lastBytes)) {
        return; // touched, not changed
      }
      lastBytes = bytes;
      try {
        holder.accept(
            RoutingTableCodec.read(
                new String(bytes, java.nio.charset.StandardCharsets.UTF_8),
                RoutingTableCodec.Format.forFileName(file.getFileName().toString())),
            describe(file));
      } catch (InvalidRoutingTableException | IllegalArgumentException e) {
        holder.reject(describe(file), e.getMessage());
      }
    } catch (NoSuchFileException e) {
      if (lastStamp != null || holder.current() == null) {
        lastStamp = null;
        lastBytes = null;
        holder.sourceMissing(describe(file), "file not found: " + file);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("cannot read routing table file {}: {}", file, e.toString());
      lastStamp = null;
    }
  }
}
