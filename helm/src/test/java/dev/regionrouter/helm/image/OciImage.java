package dev.regionrouter.helm.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * An OCI image layout tarball as Jib writes it (jib:buildTar): its image config and the paths its
 * layers add. Reads the tar format directly (ustar headers, GNU long names), no Docker needed.
 */
record OciImage(JsonNode config, List<String> files) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static OciImage read(Path tarball) throws IOException {
    Map<String, byte[]> entries = entries(Files.newInputStream(tarball));
    JsonNode index = JSON.readTree(entries.get("index.json"));
    JsonNode manifest = JSON.readTree(blob(entries, index.path("manifests").get(0)));
    JsonNode config = JSON.readTree(blob(entries, manifest.path("config")));
    List<String> files = new ArrayList<>();
    for (JsonNode layer : manifest.path("layers")) {
      try (InputStream in =
          new GZIPInputStream(new java.io.ByteArrayInputStream(blob(entries, layer)))) {
        files.addAll(entries(in).keySet());
      }
    }
    return new OciImage(config.path("config"), files);
  }

  private static byte[] blob(Map<String, byte[]> entries, JsonNode descriptor) {
    String digest = descriptor.path("digest").asText();
    byte[] bytes = entries.get("blobs/sha256/" + digest.substring("sha256:".length()));
    if (bytes == null) {
      throw new IllegalStateException("no blob " + digest + " in the image tarball");
    }
    return bytes;
  }

  /**
   * Regular files and directories of a tar stream, by path (leading "./" and "/" removed; long
   * names from GNU 'L' and PAX 'x' headers).
   */
  private static Map<String, byte[]> entries(InputStream in) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    String longName = null;
    try (in) {
      while (true) {
        byte[] header = in.readNBytes(512);
        if (header.length < 512 || header[0] == 0) {
          return out;
        }
        String name = field(header, 0, 100);
        String prefix = field(header, 345, 155);
        long size =
            Long.parseLong(
                field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
        char type = (char) header[156];
        byte[] data = in.readNBytes((int) size);
        in.skipNBytes((512 - size % 512) % 512);
        if (type == 'L') {
          longName = new String(data, StandardCharsets.UTF_8).replace("\0", "");
          continue;
        }
        if (type == 'x') {
          // PAX extended header: "<length> <key>=<value>\n" records; path= names the next entry
          for (String record : new String(data, StandardCharsets.UTF_8).split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
              longName = record.substring(space + 1 + "path=".length());
            }
          }
          continue;
        }
        String path = longName != null ? longName : prefix.isEmpty() ? name : prefix + "/" + name;
        longName = null;
        path = path.replaceFirst("^\\./", "").replaceFirst("^/", "");
        out.put(path, data);
      }
    }
  }

  private static String field(byte[] header, int offset, int length) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = offset; i < offset + length && header[i] != 0; i++) {
      bytes.write(header[i]);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
