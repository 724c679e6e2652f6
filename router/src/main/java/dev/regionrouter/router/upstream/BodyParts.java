package dev.regionrouter.router.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * A message body read in parts, made into one byte array at its last part. The parts before the
 * last are kept (retained) in a composite buffer that exists only when a body comes in more than
 * one part: the usual small body comes whole and is copied once. Used on one event loop.
 */
public final class BodyParts {

  private CompositeByteBuf parts;

  /** Bytes kept so far (the parts before the last). */
  public int size() {
    return parts == null ? 0 : parts.readableBytes();
  }

  /** Keeps a part that is not the last (the caller keeps its own reference). */
  public void add(ByteBufAllocator alloc, ByteBuf part) {
    if (parts == null) {
      parts = alloc.compositeBuffer(64);
    }
    parts.addComponent(true, part.retain());
  }

  /** The whole body: the parts kept and the last one (left as it is); what was kept is released. */
  public byte[] finish(ByteBuf last) {
    int kept = size();
    byte[] bytes = new byte[kept + last.readableBytes()];
    if (parts != null) {
      parts.readBytes(bytes, 0, kept);
    }
    last.getBytes(last.readerIndex(), bytes, kept, last.readableBytes());
    release();
    return bytes;
  }

  /** Drops what was kept (a body abandoned midway); ready for the next body. */
  public void release() {
    if (parts != null) {
      parts.release();
      parts = null;
    }
  }
}
