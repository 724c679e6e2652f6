package dev.regionrouter.api.table;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.regionrouter.api.v1alpha1.RegionRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the routing-table document from JSON or YAML and writes it as deterministic JSON: regions
 * sorted by name, fixed field order, map keys sorted, no insignificant whitespace. Equal tables
 * give equal bytes, so the operator can skip writes that change nothing.
 *
 * <p>Reading is strict (no silent coercion of "1" to 1 or 1.5 to 1, no duplicate keys) and every
 * document is validated: a table is either wholly usable or rejected with every problem listed.
 */
public final class RoutingTableCodec {

  /** The ConfigMap key that holds the document. */
  public static final String CONFIG_MAP_KEY = "regions.json";

  /** The ConfigMap name the operator writes and the router watches. */
  public static final String CONFIG_MAP_NAME = "inference-regions";

  /** Kubernetes refuses ConfigMaps whose data exceeds 1 MiB. */
  public static final int CONFIG_MAP_MAX_BYTES = 1024 * 1024;

  /** The document's formats, chosen for a file by its extension. */
  public enum Format {
    JSON,
    YAML;

    public static Format forFileName(String fileName) {
      String lower = fileName.toLowerCase(Locale.ROOT);
      if (lower.endsWith(".json")) {
        return JSON;
      }
      if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
        return YAML;
      }
      throw new IllegalArgumentException(
          "routing-table file must end in .json, .yaml or .yml: " + fileName);
    }
  }

  private static final ObjectMapper JSON = configure(JsonMapper.builder()).build();
  private static final ObjectMapper YAML = configure(YAMLMapper.builder(new YAMLFactory())).build();

  private RoutingTableCodec() {}

  private static <
          M extends ObjectMapper, B extends com.fasterxml.jackson.databind.cfg.MapperBuilder<M, B>>
      B configure(B builder) {
    return builder
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // newer writers may add fields
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  }

  /** Reads and validates a JSON document. */
  public static RoutingTable readJson(String json) {
    return read(json, Format.JSON);
  }

  /** Reads and validates a YAML document. */
  public static RoutingTable readYaml(String yaml) {
    return read(yaml, Format.YAML);
  }

  /** Reads and validates a file, JSON or YAML by its extension. */
  public static RoutingTable readFile(Path file) throws IOException {
    Format format = Format.forFileName(file.getFileName().toString());
    return read(Files.readString(file, StandardCharsets.UTF_8), format);
  }

  /** Reads and validates a document of the given format. */
  public static RoutingTable read(String content, Format format) {
    if (content == null || content.isBlank()) {
      throw new InvalidRoutingTableException(List.of("document is empty"));
    }
    RoutingTable table;
    try {
      table = (format == Format.JSON ? JSON : YAML).readValue(content, RoutingTable.class);
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof JsonProcessingException syntax) {
        throw new InvalidRoutingTableException(notValid(format, syntax), e);
      }
      throw new InvalidRoutingTableException(describe(e), e);
    } catch (JsonProcessingException e) {
      throw new InvalidRoutingTableException(notValid(format, e), e);
    }
    if (table == null) {
      throw new InvalidRoutingTableException(List.of("document is empty"));
    }
    List<String> problems = validate(table);
    if (!problems.isEmpty()) {
      throw new InvalidRoutingTableException(problems);
    }
    return RoutingTable.of(table.regions());
  }

  /** Every problem of the table, as "regions[i] (name).field: ..." lines; empty when usable. */
  public static List<String> validate(RoutingTable table) {
    List<String> problems = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<RegionEntry> regions = table.regions();
    for (int i = 0; i < regions.size(); i++) {
      RegionEntry region = regions.get(i);
      if (region == null) {
        problems.add("regions[" + i + "]: must be an object, not null");
        continue;
      }
      String where =
          "regions[" + i + "]" + (region.name() == null ? "" : " (" + region.name() + ")") + ".";
      List<String> regionProblems = new ArrayList<>(RegionRules.checkName(region.name()));
      regionProblems.addAll(
          RegionRules.checkFields(
              region.endpoint(),
              region.costPer1kTokens(),
              region.priority(),
              region.provider(),
              region.healthPath(),
              region.inferencePath()));
      if (region.capacity() != null) {
        Integer maxInFlight = region.capacity().maxInFlight();
        Long tokensPerMinute = region.capacity().tokensPerMinute();
        if (maxInFlight != null && maxInFlight < 1) {
          regionProblems.add("capacity.maxInFlight: must be >= 1, got " + maxInFlight);
        }
        if (tokensPerMinute != null && tokensPerMinute < 1) {
          regionProblems.add("capacity.tokensPerMinute: must be >= 1, got " + tokensPerMinute);
        }
      }
      if (region.credentialsSecretRef() != null && region.credentialsSecretRef().name() == null) {
        regionProblems.add("credentialsSecretRef.name: is required");
      }
      if (region.probe() != null) {
        Integer interval = region.probe().intervalSeconds();
        Integer timeout = region.probe().timeoutSeconds();
        if (interval != null && interval < 1) {
          regionProblems.add("probe.intervalSeconds: must be >= 1, got " + interval);
        }
        if (timeout != null && timeout < 1) {
          regionProblems.add("probe.timeoutSeconds: must be >= 1, got " + timeout);
        }
        String method = region.probe().method();
        if (method != null && !method.equals("GET") && !method.equals("HEAD")) {
          regionProblems.add("probe.method: must be GET or HEAD, got '" + method + "'");
        }
      }
      if (region.models() != null) {
        region
            .models()
            .forEach(
                (caller, own) -> {
                  if (caller == null || caller.isBlank() || own == null || own.isBlank()) {
                    regionProblems.add(
                        "models: model names must not be empty, got '"
                            + caller
                            + "' -> '"
                            + own
                            + "'");
                  }
                });
      }
      if (region.timeouts() != null) {
        Integer firstByte = region.timeouts().firstByteSeconds();
        Integer idle = region.timeouts().streamIdleSeconds();
        if (firstByte != null && firstByte < 1) {
          regionProblems.add("timeouts.firstByteSeconds: must be >= 1, got " + firstByte);
        }
        if (idle != null && idle < 1) {
          regionProblems.add("timeouts.streamIdleSeconds: must be >= 1, got " + idle);
        }
      }
      regionProblems.forEach(p -> problems.add(where + p));
      if (region.name() != null && !names.add(region.name())) {
        problems.add(where + "name: '" + region.name() + "' appears more than once");
      }
    }
    return problems;
  }

  /** The deterministic JSON form: regions sorted by name, fixed field order, compact. */
  public static String toJson(RoutingTable table) {
    try {
      return JSON.writeValueAsString(RoutingTable.of(table.regions()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "cannot serialize routing table", e); // records of plain values: cannot happen
    }
  }

  /** The deterministic JSON form as UTF-8 bytes. */
  public static byte[] toJsonBytes(RoutingTable table) {
    return toJson(table).getBytes(StandardCharsets.UTF_8);
  }

  private static String describe(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return (path.isEmpty() ? "" : path + ": ") + firstLine(e) + location(e);
  }

  private static String notValid(Format format, JsonProcessingException e) {
    return "not valid " + format + ": " + firstLine(e) + location(e);
  }

  /** Jackson's message without its multi-line detail and source excerpt. */
  private static String firstLine(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    for (String cut : new String[] {"\n", " (start marker at", " at [Source"}) {
      int at = message.indexOf(cut);
      if (at > 0) {
        message = message.substring(0, at);
      }
    }
    return message;
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }
}
