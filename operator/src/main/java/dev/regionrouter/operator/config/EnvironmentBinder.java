package dev.regionrouter.operator.config;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/**
 * Binds {@link OperatorEnvironment} from a map of environment variables with Spring Boot's {@code
 * Binder}, and turns a value of the wrong type into one message that names the variable. An {@code
 * OPERATOR_} variable the operator does not know is logged as a warning (a misspelt name would
 * otherwise be ignored in silence), not refused: Kubernetes' service links add variables such as
 * {@code OPERATOR_SERVICE_HOST} for any Service named {@code operator} in the namespace.
 *
 * <p>A variable's property name is its name lowercased with {@code _} as {@code -}, the {@code
 * OPERATOR_} prefix as {@code operator.}: {@code OPERATOR_HTTP_PORT} is {@code operator.http-port},
 * {@code WATCH_NAMESPACES} is {@code watch-namespaces}.
 */
final class EnvironmentBinder {

  private static final String PREFIX = "OPERATOR_";
  private static final Logger LOG = LoggerFactory.getLogger(EnvironmentBinder.class);

  /**
   * What Kubernetes adds for a Service named "operator": OPERATOR_SERVICE_HOST, OPERATOR_PORT...
   */
  private static final Pattern SERVICE_LINK =
      Pattern.compile(
          "OPERATOR_(SERVICE_HOST|SERVICE_PORT(_.+)?|PORT(_\\d+_(TCP|UDP|SCTP)(_.+)?)?)");

  private EnvironmentBinder() {}

  static OperatorEnvironment bind(Map<String, String> env) {
    Set<String> unknown = unknownOperatorVariables(env);
    if (!unknown.isEmpty()) {
      LOG.warn(
          "ignoring unknown environment variable(s) {}; the operator reads {}",
          String.join(", ", unknown),
          String.join(", ", operatorVariables()));
    }
    Map<String, Object> properties = new HashMap<>();
    env.forEach((name, value) -> properties.put(propertyName(name), value));
    MutablePropertySources sources = new MutablePropertySources();
    sources.addLast(new MapPropertySource("environment", properties));
    Binder binder =
        new Binder(
            ConfigurationPropertySources.from(sources),
            null,
            ApplicationConversionService.getSharedInstance());
    try {
      return binder.bindOrCreate("", Bindable.of(OperatorEnvironment.class));
    } catch (BindException e) {
      throw new IllegalArgumentException(describe(e), e);
    }
  }

  static String propertyName(String variable) {
    String name = variable.toLowerCase(Locale.ROOT).replace('_', '-');
    return variable.startsWith(PREFIX) ? "operator." + name.substring(PREFIX.length()) : name;
  }

  static String variableName(String property) {
    String name = property.startsWith("operator.") ? PREFIX + property.substring(9) : property;
    return name.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /** The variables {@link OperatorEnvironment.Operator} binds, by name. */
  static Set<String> operatorVariables() {
    return Arrays.stream(OperatorEnvironment.Operator.class.getRecordComponents())
        .map(c -> PREFIX + c.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** OPERATOR_ variables that are neither the operator's nor a Kubernetes service link. */
  static Set<String> unknownOperatorVariables(Map<String, String> env) {
    Set<String> known = operatorVariables();
    return env.keySet().stream()
        .filter(name -> name.startsWith(PREFIX) && !known.contains(name))
        .filter(name -> !SERVICE_LINK.matcher(name).matches())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String describe(BindException e) {
    ConfigurationProperty property = e.getProperty();
    String type = e.getTarget().getType().toString();
    if (property == null) {
      return "cannot read the environment as " + type + ": " + rootCause(e).getMessage();
    }
    return variableName(property.getName().toString())
        + "='"
        + property.getValue()
        + "' is not a valid "
        + type.replace("java.time.", "").replace("java.lang.", "")
        + ": "
        + rootCause(e).getMessage();
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
