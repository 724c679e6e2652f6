package dev.regionrouter.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates an InferenceRegion object as a Kubernetes API server would against the committed CRD:
 * defaults first, then the structural OpenAPI schema (types, required, minimum/maximum,
 * min/maxLength, pattern, enum, date-time format, unknown fields as kubectl's strict field
 * validation reports them), then every {@code x-kubernetes-validations} CEL rule, evaluated with
 * dev.cel. Messages follow the API server's form ({@code spec.endpoint: Invalid value: ...: <rule
 * message>}).
 *
 * <p>Published in the api test-jar so other modules (the Helm chart's tests) validate what they
 * render against the same CRD.
 */
public final class CrdSchemaValidator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CelCompiler CEL =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final JsonNode schema;

  public CrdSchemaValidator(JsonNode openApiV3Schema) {
    this.schema = openApiV3Schema;
  }

  /** A validator for the committed CRD in crds/. */
  public static CrdSchemaValidator forCommittedCrd() {
    return new CrdSchemaValidator(CrdFiles.committedSchema());
  }

  /**
   * Every problem of the object (apiVersion, kind, metadata, spec, status); empty when the API
   * server would accept it.
   */
  public List<String> validate(Map<String, Object> object) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> copy = deepCopy(object);
    for (String field : List.of("spec", "status")) {
      JsonNode fieldSchema = schema.path("properties").path(field);
      Object value = copy.get(field);
      if (value == null) {
        for (JsonNode required : schema.path("required")) {
          if (required.asText().equals(field)) {
            problems.add(field + ": Required value");
          }
        }
        continue;
      }
      validate(field, value, fieldSchema, problems);
    }
    return problems;
  }

  @SuppressWarnings("unchecked")
  private void validate(String path, Object value, JsonNode fieldSchema, List<String> problems) {
    String type = fieldSchema.path("type").asText();
    int before = problems.size();
    switch (type) {
      case "object" -> {
        if (!(value instanceof Map)) {
          problems.add(
              path + ": Invalid value: \"" + typeName(value) + "\": must be of type object");
          return;
        }
        Map<String, Object> map = (Map<String, Object>) value;
        JsonNode properties = fieldSchema.path("properties");
        applyDefaults(map, properties);
        fieldSchema
            .path("required")
            .forEach(
                r -> {
                  if (map.get(r.asText()) == null) {
                    problems.add(path + "." + r.asText() + ": Required value");
                  }
                });
        JsonNode additional = fieldSchema.path("additionalProperties");
        if (fieldSchema.has("maxProperties")
            && map.size() > fieldSchema.path("maxProperties").asInt()) {
          problems.add(
              path
                  + ": Too many: "
                  + map.size()
                  + ": must have at most "
                  + fieldSchema.path("maxProperties").asInt()
                  + " items");
        }
        for (Map.Entry<String, Object> entry : map.entrySet()) {
          JsonNode property = properties.path(entry.getKey());
          if (property.isMissingNode() && additional.isObject()) {
            // a map (additionalProperties): every entry has that schema
            if (entry.getValue() != null) {
              validate(path + "." + entry.getKey(), entry.getValue(), additional, problems);
            }
          } else if (property.isMissingNode()) {
            problems.add(
                path + "." + entry.getKey() + ": unknown field \"" + entry.getKey() + "\"");
          } else if (entry.getValue() != null) {
            validate(path + "." + entry.getKey(), entry.getValue(), property, problems);
          }
        }
      }
      case "array" -> {
        if (!(value instanceof List<?> list)) {
          problems.add(
              path + ": Invalid value: \"" + typeName(value) + "\": must be of type array");
          return;
        }
        for (int i = 0; i < list.size(); i++) {
          validate(path + "[" + i + "]", list.get(i), fieldSchema.path("items"), problems);
        }
      }
      case "string" -> {
        if (!(value instanceof String s)) {
          problems.add(
              path + ": Invalid value: \"" + typeName(value) + "\": must be of type string");
          return;
        }
        if (fieldSchema.has("minLength") && s.length() < fieldSchema.get("minLength").asInt()) {
          problems.add(
              path
                  + ": Invalid value: \""
                  + s
                  + "\": should be at least "
                  + fieldSchema.get("minLength").asInt()
                  + " chars long");
        }
        if (fieldSchema.has("maxLength") && s.length() > fieldSchema.get("maxLength").asInt()) {
          problems.add(
              path
                  + ": Too long: may not be more than "
                  + fieldSchema.get("maxLength").asInt()
                  + " bytes");
        }
        if (fieldSchema.has("enum")) {
          List<String> allowed = new ArrayList<>();
          fieldSchema.get("enum").forEach(e -> allowed.add(e.asText()));
          if (!allowed.contains(s)) {
            problems.add(
                path
                    + ": Unsupported value: \""
                    + s
                    + "\": supported values: \""
                    + String.join("\", \"", allowed)
                    + "\"");
          }
        }
        if ("date-time".equals(fieldSchema.path("format").asText()) && !isDateTime(s)) {
          problems.add(path + ": Invalid value: \"" + s + "\": must be an RFC 3339 date-time");
        }
        if (fieldSchema.has("pattern")
            && !Pattern.compile(fieldSchema.get("pattern").asText()).matcher(s).find()) {
          problems.add(
              path
                  + ": Invalid value: \""
                  + s
                  + "\": should match '"
                  + fieldSchema.get("pattern").asText()
                  + "'");
        }
      }
      case "integer" -> {
        if (!(value instanceof Integer || value instanceof Long)) {
          problems.add(
              path + ": Invalid value: \"" + typeName(value) + "\": must be of type integer");
          return;
        }
        checkRange(path, ((Number) value).doubleValue(), fieldSchema, problems);
      }
      case "number" -> {
        if (!(value instanceof Number)) {
          problems.add(
              path + ": Invalid value: \"" + typeName(value) + "\": must be of type number");
          return;
        }
        checkRange(path, ((Number) value).doubleValue(), fieldSchema, problems);
      }
      case "boolean" -> {
        if (!(value instanceof Boolean)) {
          problems.add(
              path + ": Invalid value: \"" + typeName(value) + "\": must be of type boolean");
        }
      }
      default -> problems.add(path + ": schema has unsupported type '" + type + "'");
    }
    // The API server evaluates CEL rules only on values that passed the schema.
    if (problems.size() == before) {
      for (JsonNode rule : fieldSchema.path("x-kubernetes-validations")) {
        evaluateRule(path, value, rule, problems);
      }
    }
  }

  private static boolean isDateTime(String s) {
    try {
      java.time.OffsetDateTime.parse(s);
      return true;
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  private static void checkRange(
      String path, double number, JsonNode fieldSchema, List<String> problems) {
    if (fieldSchema.has("minimum") && number < fieldSchema.get("minimum").asDouble()) {
      problems.add(
          path
              + ": Invalid value: "
              + format(number)
              + ": "
              + path.substring(path.lastIndexOf('.') + 1)
              + " in body should be greater than or equal to "
              + format(fieldSchema.get("minimum").asDouble()));
    }
    if (fieldSchema.has("maximum") && number > fieldSchema.get("maximum").asDouble()) {
      problems.add(
          path
              + ": Invalid value: "
              + format(number)
              + ": "
              + path.substring(path.lastIndexOf('.') + 1)
              + " in body should be less than or equal to "
              + format(fieldSchema.get("maximum").asDouble()));
    }
  }

  private static void evaluateRule(
      String path, Object value, JsonNode rule, List<String> problems) {
    String expression = rule.path("rule").asText();
    try {
      CelAbstractSyntaxTree ast = CEL.compile(expression).getAst();
      Object result = RUNTIME.createProgram(ast).eval(Map.of("self", toCel(value)));
      if (!Boolean.TRUE.equals(result)) {
        String message =
            rule.hasNonNull("message")
                ? rule.get("message").asText()
                : "failed rule: " + expression;
        problems.add(path + ": Invalid value: \"" + describe(value) + "\": " + message);
      }
    } catch (CelValidationException e) {
      problems.add(
          path + ": the CRD's rule does not compile: " + expression + ": " + e.getMessage());
    } catch (CelEvaluationException e) {
      problems.add(
          path + ": the CRD's rule failed to evaluate: " + expression + ": " + e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static void applyDefaults(Map<String, Object> map, JsonNode properties) {
    Iterator<Map.Entry<String, JsonNode>> fields = properties.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!map.containsKey(field.getKey()) && field.getValue().has("default")) {
        map.put(field.getKey(), JSON.convertValue(field.getValue().get("default"), Object.class));
      }
    }
  }

  /** CEL wants int64 for integers (STACK.md): widen Integer to Long, recursively. */
  @SuppressWarnings("unchecked")
  private static Object toCel(Object value) {
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<String, Object>) map).forEach((k, v) -> out.put(k, toCel(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(CrdSchemaValidator::toCel).toList();
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> object) {
    return JSON.convertValue(object, LinkedHashMap.class);
  }

  private static String describe(Object value) {
    return value instanceof Map ? "object" : String.valueOf(value);
  }

  private static String typeName(Object value) {
    if (value instanceof Map) {
      return "object";
    }
    if (value instanceof List) {
      return "array";
    }
    if (value instanceof String) {
      return "string";
    }
    if (value instanceof Boolean) {
      return "boolean";
    }
    if (value instanceof Integer || value instanceof Long) {
      return "integer";
    }
    return value instanceof Number ? "number" : String.valueOf(value);
  }

  private static String format(double number) {
    return number == Math.rint(number) ? String.valueOf((long) number) : String.valueOf(number);
  }
}
