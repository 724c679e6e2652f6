package dev.regionrouter.operator.bench;

import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.api.v1alpha1.InferenceRegionSpec;
import dev.regionrouter.api.v1alpha1.ProbeSpec;
import dev.regionrouter.api.v1alpha1.RegionCapacity;
import dev.regionrouter.api.v1alpha1.SecretKeyReference;
import java.util.Map;

/**
 * The InferenceRegions the operator benchmarks create, by shape. One place, so that the size
 * calculation ({@link TableSizeBench}) and the scale runs ({@link OperatorScaleBench}) measure the
 * same bytes.
 */
public enum RegionShapes {
  /**
   * Like examples/inferenceregions.yaml: a short name, a host:port endpoint, the four required
   * fields.
   */
  EXAMPLE {
    @Override
    public InferenceRegion region(String namespace, int n) {
      return new InferenceRegion(
          namespace,
          String.format("xx-region-%04d", n),
          new InferenceRegionSpec(
              "http://localhost:" + (8000 + n % 1000), 0.01 * (n % 100), 1 + n % 3, "aws"));
    }
  },
  /**
   * What bench/operator-scale has always created: an endpoint with a path, the required fields
   * only.
   */
  PLAIN {
    @Override
    public InferenceRegion region(String namespace, int n) {
      return new InferenceRegion(
          namespace,
          String.format("region-%04d", n),
          new InferenceRegionSpec("http://127.0.0.1:9/r" + n, 0.01 * (n % 100), n % 10, "aws"));
    }
  },
  /**
   * Every optional field a production region may set: a long gateway URL with a path, custom health
   * and inference paths, capacity, a credentials Secret reference, probe settings and four labels.
   * Close to the largest entry a real setup would write.
   */
  FULL {
    @Override
    public InferenceRegion region(String namespace, int n) {
      String name =
          String.format(
              "prod-%s-inference-gateway-%04d", n % 2 == 0 ? "eu-west-1" : "us-east-2", n);
      // a long gateway URL; its host is 127.0.0.1 (port 9 refuses at once) so that the probes of
      // thousands of regions measure the operator, not DNS lookups of names that do not exist here
      InferenceRegionSpec spec =
          new InferenceRegionSpec(
              "https://127.0.0.1:9/inference-gateways/example-provider/"
                  + name
                  + "/openai/deployments/"
                  + "gpt-4o-2024-08-06/v1",
              0.01 * (n % 100),
              n % 10,
              n % 3 == 0 ? "azure" : "aws");
      spec.setHealthPath("/internal/health/ready");
      spec.setInferencePath("/v1/chat/completions");
      spec.setCapacity(new RegionCapacity(256, 2_000_000L));
      spec.setCredentialsSecretRef(new SecretKeyReference(name + "-credentials", "api-key"));
      spec.setProbe(new ProbeSpec(15, 3));
      InferenceRegion region = new InferenceRegion(namespace, name, spec);
      region
          .getMetadata()
          .setLabels(
              Map.of(
                  "app.kubernetes.io/part-of",
                  "region-router",
                  "topology.kubernetes.io/region",
                  n % 2 == 0 ? "eu-west-1" : "us-east-2",
                  "regionrouter.dev/tier",
                  n % 4 == 0 ? "premium" : "standard",
                  "cost-center",
                  "ml-platform-" + (n % 50)));
      return region;
    }
  };

  public abstract InferenceRegion region(String namespace, int n);

  public static RegionShapes named(String name) {
    return valueOf(name.toUpperCase(java.util.Locale.ROOT));
  }
}
