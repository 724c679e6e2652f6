package dev.regionrouter.router.selection;

import dev.regionrouter.router.health.HealthView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The regions of one table ranked once under one policy, so that planning a request reads the first
 * few instead of scoring and sorting them all: the same plan as the plain planner of the tests
 * (Selector, RankingTest) for the same candidates and random draws, at a cost that does not grow
 * with the table.
 *
 * <p>What changes per request is read live, and only for the regions a plan walks past: requests in
 * flight (capacity.maxInFlight, power of two choices, and cost-within-latency-budget's exploring
 * rule) and tokens of the last minute (capacity.tokensPerMinute), each read at most once per plan
 * (see {@link Live}). Everything else (health, latencies, prices, priorities) is the ranking's
 * input: whoever keeps a ranking must build a new one when any of it changes.
 *
 * <p>cost-within-latency-budget judges a region with no recent traffic on its probe latency while
 * none of its requests is in flight and as unknown while one is, so such a region is ranked twice,
 * once per case, and a plan uses the entry that matches its in-flight count.
 *
 * <p>A plan's order is built as it is read: the first region (and the regions sharing load with it,
 * whose power-of-two-choices draw happens when planning, as in the plain planner) at once, the rest
 * when the attempt loop fails over past them, or the hedge, the explain output or {@code size()}
 * read them.
 */
public final class Ranking {

  /**
   * The per-request state a plan reads, by candidate index (the order of the candidates the ranking
   * was built from).
   */
  public interface Live {
    int inFlight(int candidate);

    long tokensInWindow(int candidate);
  }

  private static final byte NONE = 0;
  private static final byte ANY = 1;
  static final byte IDLE = 2; // only while the region has nothing in flight
  static final byte BUSY = 3; // only while it has

  private final RoutingPolicy policy;
  final Candidate[] regions;
  private final int[] nameRank;
  // per entry (2 x candidate + variant): the ranking key parts, the score shown, when it applies
  private final double[] k0;
  private final double[] k1;
  private final double[] k2;
  final double[] score;
  final byte[] when;
  private final int[] available;
  private final int[] unavailable;
  // tiers (policies other than priority-latency, with respectPriorityTiers)
  private final boolean tiered;
  private final List<Integer> priorities;
  private final double[] load;
  private final int[][] tierEntries;

  private Ranking(List<Candidate> candidates, RoutingPolicy policy, Ranking previous) {
    this.policy = policy;
    int n = candidates.size();
    regions = candidates.toArray(new Candidate[0]);
    nameRank =
        previous != null && previous.regions.length == n ? previous.nameRank : nameRanks(regions);
    k0 = new double[2 * n];
    k1 = new double[2 * n];
    k2 = new double[2 * n];
    score = new double[2 * n];
    when = new byte[2 * n];
    boolean variants = policy.kind() == PolicyKind.COST_WITHIN_LATENCY_BUDGET;
    for (int i = 0; i < n; i++) {
      Candidate c = regions[i];
      if (!variants) {
        keys(2 * i, c, ANY);
        continue;
      }
      Candidate idle = withInFlight(c, 0);
      Candidate busy = withInFlight(c, 1);
      double unknown = policy.unknownLatencySeconds();
      if (Double.compare(
              idle.latencySeconds(policy.kind(), unknown),
              busy.latencySeconds(policy.kind(), unknown))
          == 0) {
        keys(2 * i, idle, ANY);
      } else {
        keys(2 * i, idle, IDLE);
        keys(2 * i + 1, busy, BUSY);
      }
    }
    // start from the previous order (same table, a few regions changed): the sort then only moves
    // those
    int[] seedAvailable = previous == null ? null : previous.available;
    int[] seedUnavailable = previous == null ? null : previous.unavailable;
    available = sorted(true, seedAvailable, seedUnavailable);
    unavailable = sorted(false, seedUnavailable, seedAvailable);
    tiered = policy.kind() != PolicyKind.PRIORITY_LATENCY && policy.respectPriorityTiers();
    if (!tiered) {
      priorities = List.of();
      load = new double[0];
      tierEntries = new int[0][];
      return;
    }
    // Envoy's priority load, from every region's availability (as Selector.byPolicy)
    TreeMap<Integer, int[]> health = new TreeMap<>();
    for (Candidate c : regions) {
      int[] counts = health.computeIfAbsent(c.priority(), p -> new int[2]);
      counts[1]++;
      if (c.health().available()) {
        counts[0]++;
      }
    }
    priorities = List.copyOf(health.keySet());
    double[] shares = new double[priorities.size()];
    for (int t = 0; t < shares.length; t++) {
      int[] counts = health.get(priorities.get(t));
      shares[t] = (double) counts[0] / counts[1];
    }
    load = PlanRules.priorityLoad(shares, policy.overprovisioningFactor());
    tierEntries = new int[priorities.size()][];
    int[] sizes = new int[priorities.size()];
    for (int e : available) {
      sizes[priorities.indexOf(regions[e >> 1].priority())]++;
    }
    for (int t = 0; t < sizes.length; t++) {
      tierEntries[t] = new int[sizes[t]];
      sizes[t] = 0;
    }
    for (int e : available) {
      int t = priorities.indexOf(regions[e >> 1].priority());
      tierEntries[t][sizes[t]++] = e;
    }
  }

  /**
   * Ranks the candidates (their views, budget latencies and table entries; in-flight counts and
   * tokens are read per plan).
   */
  public static Ranking of(List<Candidate> candidates, RoutingPolicy policy) {
    return new Ranking(candidates, policy, null);
  }

  /**
   * Ranks the candidates of the same table again (the same regions in the same order as {@code
   * previous}, some of them with a new view), starting from the previous order: cheap when few
   * moved.
   */
  public static Ranking of(List<Candidate> candidates, RoutingPolicy policy, Ranking previous) {
    boolean same =
        previous != null
            && previous.policy.equals(policy)
            && previous.regions.length == candidates.size();
    return new Ranking(candidates, policy, same ? previous : null);
  }

  public RoutingPolicy policy() {
    return policy;
  }

  public int size() {
    return regions.length;
  }

  private void keys(int e, Candidate c, byte applies) {
    when[e] = applies;
    double cost = c.cost();
    double latency = c.latencySeconds(policy.kind(), policy.unknownLatencySeconds());
    switch (policy.kind()) {
      case PRIORITY_LATENCY -> {
        k0[e] = c.score(policy);
        k1[e] = cost;
      }
      case LOWEST_LATENCY -> {
        k0[e] = latency;
        k1[e] = cost;
      }
      case LOWEST_COST -> {
        k0[e] = cost;
        k1[e] = latency;
      }
      case COST_WITHIN_LATENCY_BUDGET -> {
        boolean within = latency <= policy.latencyBudgetSeconds();
        k0[e] = within ? 0 : 1;
        k1[e] = within ? cost : latency;
        k2[e] = within ? latency : cost;
      }
    }
    score[e] = PlanRules.key(c, policy);
  }

  private static int[] nameRanks(Candidate[] regions) {
    Integer[] byName = new Integer[regions.length];
    for (int i = 0; i < byName.length; i++) {
      byName[i] = i;
    }
    Arrays.sort(byName, (a, b) -> regions[a].name().compareTo(regions[b].name()));
    int[] rank = new int[regions.length];
    for (int k = 0, r = 0; k < byName.length; k++) {
      if (k > 0 && !regions[byName[k]].name().equals(regions[byName[k - 1]].name())) {
        r++;
      }
      rank[byName[k]] = r;
    }
    return rank;
  }

  /**
   * The entries of the available (or the unavailable) regions in rank order: the policy's key, then
   * the name, then the table's order (Selector's sorts are stable); the unavailable ones with the
   * cooling last (the panic guard's order).
   */
  private int[] sorted(boolean availableOnes, int[] seed, int[] otherSeed) {
    int total = when.length;
    boolean[] placed = new boolean[total];
    Integer[] ids = new Integer[total];
    int count = 0;
    if (seed != null) {
      for (int e : seed) {
        if (belongs(e, availableOnes)) {
          ids[count++] = e;
          placed[e] = true;
        }
      }
    }
    for (int e = 0; e < total; e++) {
      if (!placed[e] && belongs(e, availableOnes)) {
        ids[count++] = e;
      }
    }
    Arrays.sort(ids, 0, count, availableOnes ? this::compareRank : this::comparePanic);
    int[] out = new int[count];
    for (int k = 0; k < count; k++) {
      out[k] = ids[k];
    }
    return out;
  }

  private boolean belongs(int e, boolean availableOnes) {
    return when[e] != NONE && regions[e >> 1].health().available() == availableOnes;
  }

  private int compareRank(int a, int b) {
    int c = Double.compare(k0[a], k0[b]);
    if (c == 0) {
      c = Double.compare(k1[a], k1[b]);
    }
    if (c == 0) {
      c = Double.compare(k2[a], k2[b]);
    }
    if (c == 0) {
      c = Integer.compare(nameRank[a >> 1], nameRank[b >> 1]);
    }
    return c != 0 ? c : Integer.compare(a, b);
  }

  private int comparePanic(int a, int b) {
    int c = Boolean.compare(regions[a >> 1].health().cooling(), regions[b >> 1].health().cooling());
    return c != 0 ? c : compareRank(a, b);
  }

  private static Candidate withInFlight(Candidate c, int inFlight) {
    HealthView v = c.health();
    if (v.inFlight() == inFlight) {
      return c;
    }
    return new Candidate(
        c.entry(), v.withInFlight(inFlight), c.tokensInWindow(), c.budgetLatencySeconds());
  }

  // ---------------------------------------------------------------------------------------------
  // planning

  /** Plans one request without filters, reading in-flight counts and tokens live. */
  public AttemptPlan plan(Live live, long estimatedTokens, RandomGenerator random) {
    return plan(live, estimatedTokens, random, null);
  }

  /**
   * The regions a request's filters left out of this ranking, for its explanation: every candidate
   * in the table's order (the ranked ones among them, as the same objects) and the filters' notes.
   */
  record Excluded(List<Candidate> all, PlanRules.Notes notes) {}

  /** Plans one request over a ranking of the regions its filters let through. */
  AttemptPlan plan(Live live, long estimatedTokens, RandomGenerator random, Excluded excluded) {
    PlanWalk walk = new PlanWalk(this, live, estimatedTokens, excluded);
    return policy.kind() == PolicyKind.PRIORITY_LATENCY
        ? byScore(walk, random)
        : byPolicy(walk, random);
  }

  private AttemptPlan byScore(PlanWalk walk, RandomGenerator random) {
    PlanCursor cursor = new PlanCursor(walk, available);
    int first = cursor.next();
    if (first < 0) {
      return panic(walk);
    }
    List<AttemptPlan.Scored> tied = new ArrayList<>(2); // near-equal scores are few
    tied.add(walk.scored(first));
    double best = score[first];
    double epsilon = policy.shareEpsilon();
    // scores within epsilon of the best come next in the ranking; the first beyond ends the group
    while (cursor.position < available.length
        && score[available[cursor.position]] - best <= epsilon) {
      int e = available[cursor.position++];
      if (walk.usable(e)) {
        tied.add(walk.scored(e));
      }
    }
    String shared = PlanRules.shareAmongNearEqual(tied, epsilon, random);
    PlanOrder order = new PlanOrder(walk);
    order.then(tied);
    order.then(cursor);
    return plan(order, false, () -> PlanRules.scoreWhy(order, policy, shared));
  }

  private AttemptPlan byPolicy(PlanWalk walk, RandomGenerator random) {
    if (!tiered) {
      PlanCursor cursor = new PlanCursor(walk, available);
      int first = cursor.next();
      if (first < 0) {
        return panic(walk);
      }
      PlanOrder order = new PlanOrder(walk);
      String shared = group(walk, first, cursor, order, random);
      order.then(cursor);
      return plan(order, false, () -> PlanRules.reason(order, policy, shared));
    }
    PlanCursor[] cursors = new PlanCursor[priorities.size()];
    int[] firsts = new int[priorities.size()];
    TreeMap<Integer, List<AttemptPlan.Scored>> withRoom = new TreeMap<>();
    for (int t = 0; t < cursors.length; t++) {
      cursors[t] = new PlanCursor(walk, tierEntries[t]);
      firsts[t] = cursors[t].next();
      if (firsts[t] >= 0) {
        withRoom.put(priorities.get(t), List.of());
      }
    }
    if (withRoom.isEmpty()) {
      return panic(walk);
    }
    int chosen = PlanRules.drawTier(load, priorities, withRoom, random);
    List<Integer> tierOrder = new ArrayList<>();
    tierOrder.add(chosen);
    for (Integer p : withRoom.keySet()) {
      if (p != chosen) {
        tierOrder.add(p);
      }
    }
    PlanOrder order = new PlanOrder(walk);
    String shared = null;
    for (Integer p : tierOrder) {
      int t = priorities.indexOf(p);
      String note = group(walk, firsts[t], cursors[t], order, random);
      if (p == chosen) {
        shared = note;
      }
      order.then(cursors[t]);
    }
    String sharedInChosen = shared;
    String tierNote = PlanRules.tierNote(chosen, withRoom.size(), load[priorities.indexOf(chosen)]);
    return plan(
        order, false, () -> PlanRules.reason(order, policy, sharedInChosen) + "; " + tierNote);
  }

  /**
   * The best region of a ranked list and those equal to it (Selector.share): they share load by
   * power of two choices, drawn now; the first one not equal follows them. Adds them to the order.
   */
  private String group(
      PlanWalk walk, int first, PlanCursor cursor, PlanOrder order, RandomGenerator random) {
    List<AttemptPlan.Scored> group = new ArrayList<>();
    AttemptPlan.Scored best = walk.scored(first);
    group.add(best);
    AttemptPlan.Scored after = null;
    double eps = policy.latencyEpsilonSeconds();
    for (int e = cursor.next(); e >= 0; e = cursor.next()) {
      AttemptPlan.Scored next = walk.scored(e);
      if (!PlanRules.equal(best, next, policy, eps)) {
        after = next;
        break;
      }
      group.add(next);
    }
    String note = PlanRules.shareGroup(group, group.size(), random);
    if (after != null) {
      group.add(after);
    }
    order.then(group);
    return note;
  }

  /**
   * No region is available: those with room, by rank (cooling last), so the request still tries the
   * best.
   */
  private AttemptPlan panic(PlanWalk walk) {
    PlanCursor cursor = new PlanCursor(walk, unavailable);
    int first = cursor.next();
    PlanOrder order = new PlanOrder(walk);
    if (first < 0) {
      return plan(order, false, () -> "every region is at capacity");
    }
    order.then(List.of(walk.scored(first)));
    order.then(cursor);
    return plan(
        order,
        true,
        () ->
            policy.kind() == PolicyKind.PRIORITY_LATENCY
                ? "lowest score " + PlanRules.fmt(score[first])
                : PlanRules.reason(order, policy, null));
  }

  private AttemptPlan plan(
      PlanOrder order, boolean panic, java.util.function.Supplier<String> why) {
    return new AttemptPlan(
        order,
        panic,
        policy.name(),
        () -> PlanRules.panicWhy(panic, order.isEmpty(), why.get()),
        () -> explain(order),
        List.of(),
        true);
  }

  /**
   * Selector's explain output: every region with what this plan did with it, from what the plan
   * read.
   */
  private List<CandidateExplain> explain(PlanOrder order) {
    synchronized (order) {
      List<AttemptPlan.Scored> ranked =
          new ArrayList<>(order); // the whole order, read live where not yet
      PlanWalk walk = (PlanWalk) order.walk;
      PlanRules.Notes notes = new PlanRules.Notes();
      List<Candidate> candidates = new ArrayList<>(regions.length);
      for (int i = 0; i < regions.length; i++) {
        Candidate c = walk.candidate(i);
        PlanRules.hasRoom(c, walk.estimatedTokens, notes);
        candidates.add(c);
      }
      if (walk.excluded != null) {
        candidates = withExcluded(candidates, walk.excluded, notes);
      }
      return PlanRules.explain(candidates, policy, notes, ranked);
    }
  }

  /** The whole table in its order: the ranked regions as this plan read them, the rest filtered. */
  private List<Candidate> withExcluded(
      List<Candidate> ranked, Excluded excluded, PlanRules.Notes notes) {
    java.util.IdentityHashMap<Candidate, Candidate> read = new java.util.IdentityHashMap<>();
    for (int i = 0; i < regions.length; i++) {
      read.put(regions[i], ranked.get(i));
    }
    List<Candidate> all = new ArrayList<>(excluded.all().size());
    for (Candidate c : excluded.all()) {
      all.add(read.getOrDefault(c, c));
    }
    excluded.notes().byName.forEach((name, note) -> notes.byName.putIfAbsent(name, note));
    return all;
  }
}
