package dev.regionrouter.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * A key of a Secret in the region's namespace. Only this reference travels; the value never does.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretKeyReference {

  public static final String DEFAULT_KEY = "token";

  @Required
  @Size(min = 1, max = 253)
  @Pattern(RegionRules.DNS_SUBDOMAIN_PATTERN)
  @JsonPropertyDescription("Name of the Secret, in the same namespace as the InferenceRegion.")
  private String name;

  @Default(DEFAULT_KEY)
  @Size(min = 1, max = 253)
  @Pattern("^[-._a-zA-Z0-9]+$")
  @JsonPropertyDescription(
      "Key in the Secret whose value is the bearer token sent to the region; default token.")
  private String key;

  public SecretKeyReference() {}

  public SecretKeyReference(String name, String key) {
    this.name = name;
    this.key = key;
  }

  public String effectiveKey() {
    return key == null ? DEFAULT_KEY : key;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretKeyReference that
        && Objects.equals(name, that.name)
        && Objects.equals(key, that.key);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, key);
  }
}
