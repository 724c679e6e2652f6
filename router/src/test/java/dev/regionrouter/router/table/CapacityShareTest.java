package dev.regionrouter.router.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.api.table.RegionEntry.Capacity;
import dev.regionrouter.api.table.RoutingTable;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityShareTest {

  private static RegionEntry region(String name, Capacity capacity) {
    return RegionEntry.of(name, "http://127.0.0.1:8001", 0.3, 1, "aws").withCapacity(capacity);
  }

  @Test
  void eachReplicaGetsTheLimitDividedRoundedDownAndAtLeastOne() {
    RoutingTable table =
        RoutingTable.of(
            List.of(
                region("a", new Capacity(10, 1000L)),
                region("b", new Capacity(1, null)),
                region("c", null)));
    RoutingTable share = CapacityShare.of(table, 3);
    assertThat(share.region("a").capacity()).isEqualTo(new Capacity(3, 333L));
    assertThat(share.region("b").capacity()).isEqualTo(new Capacity(1, null));
    assertThat(share.region("c").capacity()).isNull();
    assertThat(share.region("a").endpoint()).isEqualTo(table.region("a").endpoint());
    assertThat(share.regions()).extracting(RegionEntry::name).containsExactly("a", "b", "c");
  }

  @Test
  void oneReplicaEnforcesTheWholeLimit() {
    RoutingTable table = RoutingTable.of(List.of(region("a", new Capacity(10, 1000L))));
    assertThat(CapacityShare.of(table, 1)).isSameAs(table);
    assertThatThrownBy(() -> CapacityShare.of(table, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countsEachReadyPodOnceAcrossSlicesAndSkipsNotReadyOnes() {
    EndpointSlice ipv4 =
        slice(endpoint("router-a", "10.0.0.1", true), endpoint("router-b", "10.0.0.2", null));
    EndpointSlice ipv6 =
        slice(endpoint("router-a", "fd00::1", true), endpoint("router-c", "fd00::3", false));
    assertThat(RouterReplicas.readyEndpoints(List.of(ipv4, ipv6))).isEqualTo(2);
    assertThat(RouterReplicas.readyEndpoints(List.of())).isZero();
    assertThat(RouterReplicas.readyEndpoints(List.of(new EndpointSliceBuilder().build()))).isZero();
  }

  private static EndpointSlice slice(Endpoint... endpoints) {
    return new EndpointSliceBuilder().withEndpoints(endpoints).build();
  }

  private static Endpoint endpoint(String pod, String address, Boolean ready) {
    return new EndpointBuilder()
        .withAddresses(address)
        .withNewConditions()
        .withReady(ready)
        .endConditions()
        .withNewTargetRef()
        .withKind("Pod")
        .withName(pod)
        .endTargetRef()
        .build();
  }
}
