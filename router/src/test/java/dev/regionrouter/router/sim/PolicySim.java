package dev.regionrouter.router.sim;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.health.RegionHealth;
import dev.regionrouter.router.selection.AttemptPlan;
import dev.regionrouter.router.selection.Candidate;
import dev.regionrouter.router.selection.LatencyWindow;
import dev.regionrouter.router.selection.PolicyKind;
import dev.regionrouter.router.selection.RouteFilters;
import dev.regionrouter.router.selection.RoutingPolicy;
import dev.regionrouter.router.selection.Selector;
import dev.regionrouter.router.selection.TokenMeter;
import dev.regionrouter.router.support.MutableClock;
import dev.regionrouter.router.support.RouterSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * bench/policy-sim: a seeded routing-quality simulation. A workload over 4 to 20 simulated regions
 * (realistic round trips from the router's location, from shared/data/aws-inter-region-rtt-ms.csv;
 * different prices, log-normal inference times, capacities, outages and brownouts) is routed by the
 * REAL pure {@link Selector}, fed by the REAL {@link RegionHealth} (probes every 2 s, passive
 * ejection), {@link LatencyWindow} and {@link TokenMeter} on a simulated clock, for each policy;
 * and by the reference tutorial's algorithm and by an oracle that knows the true latencies, outages
 * and capacities. Every run sees the same arrivals and the same latency draw for a given (request,
 * region), so differences come from the decisions only.
 *
 * <p>Usage: {@code PolicySim [--seed=42] [--regions=14] [--seconds=900] [--rate=60]
 * [--budget-ms=400] [--from=us-east-1] [--csv=PATH] [--md=OUT.md] [--png=OUT.png]}
 */
public final class PolicySim {

  /** One simulated region as declared (the truth's fixed part). */
  record Spec(
      String name,
      String provider,
      String geo,
      String rttColumn,
      double rttExtraMs,
      double price,
      int priority) {}

  static final List<Spec> SPECS =
      List.of(
          new Spec("us-east-1", "aws", "us", "us-east-1", 0, 0.60, 1),
          new Spec("us-west-2", "aws", "us", "us-west-2", 0, 0.42, 1),
          new Spec("eu-west-1", "aws", "eu", "eu-west-1", 0, 0.45, 1),
          new Spec("ap-northeast-1", "aws", "ap", "ap-northeast-1", 0, 0.30, 1),
          new Spec("sa-east-1", "aws", "sa", "sa-east-1", 0, 0.24, 1),
          new Spec("us-west-1", "aws", "us", "us-west-1", 0, 0.48, 1),
          new Spec("eu-central-1", "aws", "eu", "eu-central-1", 0, 0.40, 1),
          new Spec("ap-southeast-1", "aws", "ap", "ap-southeast-1", 0, 0.26, 1),
          new Spec("ap-northeast-2", "aws", "ap", "ap-northeast-2", 0, 0.28, 1),
          new Spec("ap-southeast-2", "aws", "ap", "ap-southeast-2", 0, 0.27, 1),
          new Spec("gcp-us-east4", "gcp", "us", "us-east-1", 4, 0.55, 1),
          new Spec("azure-westeurope", "azure", "eu", "eu-west-1", 9, 0.38, 1),
          new Spec("gcp-europe-west3", "gcp", "eu", "eu-central-1", 6, 0.36, 1),
          new Spec("onprem-ashburn", "onprem", "us", "us-east-1", 2, 0.15, 2),
          new Spec("azure-eastus2", "azure", "us", "us-east-1", 6, 0.50, 1),
          new Spec("gcp-us-west1", "gcp", "us", "us-west-2", 5, 0.41, 1),
          new Spec("azure-japaneast", "azure", "ap", "ap-northeast-1", 4, 0.29, 1),
          new Spec("gcp-asia-southeast1", "gcp", "ap", "ap-southeast-1", 5, 0.25, 1),
          new Spec("azure-brazilsouth", "azure", "sa", "sa-east-1", 7, 0.23, 1),
          new Spec("onprem-frankfurt", "onprem", "eu", "eu-central-1", 3, 0.18, 2));

  /** A time interval with a latency factor (outages: factor is infinite). */
  record Window(double from, double to, double factor) {
    boolean covers(double t) {
      return t >= from && t < to;
    }
  }

  /** One region's truth. */
  static final class Region {
    final int index;
    final Spec spec;
    final double rttMs;
    final double medianMs;
    final double sigma;
    final Integer maxInFlight;
    final Long tokensPerMinute;
    final List<Window> outages = new ArrayList<>();
    final List<Window> brownouts = new ArrayList<>();
    final RegionEntry entry;

    Region(int index, Spec spec, double rttMs, SplittableRandom random) {
      this.index = index;
      this.spec = spec;
      this.rttMs = Math.max(1, rttMs);
      this.medianMs = 110 + random.nextDouble() * 150;
      this.sigma = 0.12 + random.nextDouble() * 0.23;
      int[] capacities = {6, 8, 10, 12, 16, 24, 32};
      this.maxInFlight = capacities[random.nextInt(capacities.length)];
      this.tokensPerMinute = random.nextDouble() < 0.3 ? 30_000L + random.nextInt(90_000) : null;
      this.entry =
          new RegionEntry(
              spec.name(),
              "http://" + spec.name(),
              spec.price(),
              spec.priority(),
              spec.provider(),
              null,
              null,
              new RegionEntry.Capacity(maxInFlight, tokensPerMinute),
              null,
              null,
              Map.of("geo", spec.geo()));
    }

    boolean up(double t) {
      for (Window w : outages) {
        if (w.covers(t)) {
          return false;
        }
      }
      return true;
    }

    double factor(double t) {
      double f = 1;
      for (Window w : brownouts) {
        if (w.covers(t)) {
          f *= w.factor();
        }
      }
      return f;
    }

    /** Latency (s) of a request given its standard-normal draw. */
    double latency(double z, double t) {
      return (rttMs + medianMs * Math.exp(sigma * z) * factor(t)) / 1000.0;
    }

    /** True p99 latency (s) at time t. */
    double p99(double t) {
      return (rttMs + medianMs * Math.exp(2.326 * sigma) * factor(t)) / 1000.0;
    }
  }

  /** A request of the workload. */
  record Request(int id, double at, long maxTokens, long tokensUsed) {}

  /** What a run measured. */
  static final class Result {
    final String name;
    final String note;
    double usd;
    long tokens;
    int served;
    int failed;
    int violations;
    final List<Double> latencies = new ArrayList<>();
    final Map<String, Integer> byRegion = new HashMap<>();

    Result(String name, String note) {
      this.name = name;
      this.note = note;
    }

    double costPer1k() {
      return tokens == 0 ? 0 : usd / tokens * 1000;
    }

    double percentile(double q) {
      if (latencies.isEmpty()) {
        return Double.NaN;
      }
      double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }

    double violationRate() {
      int total = served + failed;
      return total == 0 ? 0 : (double) (violations + failed) / total;
    }
  }

  // ----------------------------------------------------------------------------------------------

  final long seed;
  final int seconds;
  final double rate;
  final double budget;
  final List<Region> regions = new ArrayList<>();
  final List<Request> workload = new ArrayList<>();
  int windowSize = 512;
  int windowMinSamples = 8;
  long windowMaxAgeMillis = 60_000;

  PolicySim(
      long seed,
      int regionCount,
      int seconds,
      double rate,
      double budgetSeconds,
      Map<String, Double> rtt) {
    this.seed = seed;
    this.seconds = seconds;
    this.rate = rate;
    this.budget = budgetSeconds;
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < regionCount; i++) {
      Spec spec = SPECS.get(i);
      regions.add(
          new Region(i, spec, rtt.get(spec.rttColumn()) + spec.rttExtraMs(), random.split()));
    }
    SplittableRandom schedule = new SplittableRandom(seed * 7 + 1);
    int outages = Math.max(2, regionCount / 4);
    for (int i = 0; i < outages; i++) {
      Region r = regions.get(schedule.nextInt(regionCount));
      double from = 60 + schedule.nextDouble() * (seconds - 260);
      r.outages.add(
          new Window(from, from + 45 + schedule.nextDouble() * 105, Double.POSITIVE_INFINITY));
    }
    int brownouts = Math.max(1, regionCount / 6);
    for (int i = 0; i < brownouts; i++) {
      Region r = regions.get(schedule.nextInt(regionCount));
      double from = 60 + schedule.nextDouble() * (seconds - 260);
      r.brownouts.add(
          new Window(from, from + 90 + schedule.nextDouble() * 90, 2 + schedule.nextDouble()));
    }
    SplittableRandom arrivals = new SplittableRandom(seed * 13 + 5);
    long[] sizes = {64, 128, 256, 512};
    double t = 0;
    int id = 0;
    while (true) {
      t += -Math.log(1 - arrivals.nextDouble()) / rate;
      if (t >= seconds) {
        break;
      }
      long max = sizes[arrivals.nextInt(sizes.length)];
      workload.add(
          new Request(
              id++, t, max, Math.max(1, Math.round(max * (0.4 + 0.6 * arrivals.nextDouble())))));
    }
  }

  /** The same standard-normal draw for a (request, region) pair in every run. */
  double z(int request, int region) {
    return new SplittableRandom(seed * 1_000_003L + request * 131L + region).nextGaussian();
  }

  // ----------------------------------------------------------------------------------------------
  // the event loop, shared by every run

  private record Event(
      double t,
      long seq,
      int kind,
      int region,
      Request request,
      double latency,
      String reservedOn,
      long reserved) {}

  private static final int ARRIVAL = 0;
  private static final int COMPLETE = 1;
  private static final int PROBE = 2;

  /** How a run chooses: the router (real Selector), the reference tutorial, or the oracle. */
  private enum Mode {
    ROUTER,
    REFERENCE,
    ORACLE
  }

  Result run(String name, String note, Mode mode, RoutingPolicy policy, double budgetQuantile) {
    Result result = new Result(name, note);
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    long startMillis = clock.millis();
    double[] now = {0};
    List<RegionHealth> health = new ArrayList<>();
    for (Region r : regions) {
      health.add(new RegionHealth(r.entry.endpoint(), RouterSettings.HEALTH, 3, 2, 0.3, clock));
    }
    LatencyWindow window =
        new LatencyWindow(windowSize, windowMinSamples, windowMaxAgeMillis, clock::millis);
    TokenMeter routerTokens = new TokenMeter(clock::millis);
    TokenMeter trueTokens = new TokenMeter(clock::millis);
    int[] inFlight = new int[regions.size()];
    int[] referenceFailures = new int[regions.size()];
    SplittableRandom choice = new SplittableRandom(seed * 17 + 3);
    SplittableRandom probeJitter = new SplittableRandom(seed * 19 + 7);
    java.util.random.RandomGenerator selectorRandom = new SplittableRandom(seed * 23 + 11);
    PriorityQueue<Event> events =
        new PriorityQueue<>(
            (a, b) -> a.t != b.t ? Double.compare(a.t, b.t) : Long.compare(a.seq, b.seq));
    long[] seq = {0};
    for (Request request : workload) {
      events.add(new Event(request.at(), seq[0]++, ARRIVAL, -1, request, 0, null, 0));
    }
    if (mode == Mode.ROUTER) {
      for (Region r : regions) {
        events.add(
            new Event(probeJitter.nextDouble() * 2, seq[0]++, PROBE, r.index, null, 0, null, 0));
      }
    }
    while (!events.isEmpty()) {
      Event e = events.poll();
      if (e.t > now[0]) {
        clock.advance(Duration.ofNanos((long) ((e.t - now[0]) * 1e9)));
        now[0] = e.t;
      }
      double t = e.t;
      switch (e.kind) {
        case PROBE -> {
          Region r = regions.get(e.region);
          boolean ok = r.up(t);
          double latency = (r.rttMs * (1 + 0.1 * probeJitter.nextDouble()) + 1) / 1000.0;
          health
              .get(r.index)
              .recordProbe(
                  ok, ok ? Duration.ofNanos((long) (latency * 1e9)) : Duration.ofSeconds(1));
          if (t + 2 < seconds + 60) {
            events.add(
                new Event(
                    t + 2 * (0.9 + 0.2 * probeJitter.nextDouble()),
                    seq[0]++,
                    PROBE,
                    r.index,
                    null,
                    0,
                    null,
                    0));
          }
        }
        case COMPLETE -> {
          Region r = regions.get(e.region);
          inFlight[r.index]--;
          if (mode == Mode.ROUTER) {
            RegionHealth h = health.get(r.index);
            h.release();
            h.recordSuccess(Duration.ofNanos((long) (e.latency * 1e9)));
            window.record(r.spec.name(), e.latency);
            routerTokens.settle(e.reservedOn, e.reserved, r.spec.name(), e.request.tokensUsed());
          }
        }
        default -> {
          Request request = e.request;
          switch (mode) {
            case ROUTER ->
                routeByRouter(
                    request,
                    t,
                    policy,
                    budgetQuantile,
                    health,
                    window,
                    routerTokens,
                    trueTokens,
                    inFlight,
                    selectorRandom,
                    events,
                    seq,
                    result);
            case REFERENCE ->
                routeByReference(
                    request,
                    t,
                    trueTokens,
                    inFlight,
                    referenceFailures,
                    choice,
                    events,
                    seq,
                    result);
            case ORACLE -> routeByOracle(request, t, trueTokens, inFlight, events, seq, result);
          }
        }
      }
    }
    return result;
  }

  private void serve(
      Request request,
      Region r,
      double t,
      double elapsed,
      double latency,
      TokenMeter trueTokens,
      int[] inFlight,
      PriorityQueue<Event> events,
      long[] seq,
      Result result,
      String reservedOn,
      long reserved) {
    inFlight[r.index]++;
    trueTokens.add(r.spec.name(), request.tokensUsed());
    events.add(
        new Event(
            t + elapsed + latency,
            seq[0]++,
            COMPLETE,
            r.index,
            request,
            latency,
            reservedOn,
            reserved));
    result.served++;
    result.tokens += request.tokensUsed();
    result.usd += request.tokensUsed() * r.spec.price() / 1000.0;
    double total = elapsed + latency;
    result.latencies.add(total);
    if (total > budget) {
      result.violations++;
    }
    result.byRegion.merge(r.spec.name(), 1, Integer::sum);
  }

  /** Whether the region really has room (in flight and tokens per minute). */
  private boolean room(Region r, Request request, TokenMeter trueTokens, int[] inFlight) {
    if (r.maxInFlight != null && inFlight[r.index] >= r.maxInFlight) {
      return false;
    }
    long used = trueTokens.usage(r.spec.name());
    return r.tokensPerMinute == null
        || used == 0
        || used + request.tokensUsed() <= r.tokensPerMinute;
  }

  private void routeByRouter(
      Request request,
      double t,
      RoutingPolicy policy,
      double budgetQuantile,
      List<RegionHealth> health,
      LatencyWindow window,
      TokenMeter routerTokens,
      TokenMeter trueTokens,
      int[] inFlight,
      java.util.random.RandomGenerator random,
      PriorityQueue<Event> events,
      long[] seq,
      Result result) {
    List<Candidate> candidates = new ArrayList<>(regions.size());
    for (Region r : regions) {
      candidates.add(
          new Candidate(
              r.entry,
              health.get(r.index).view(),
              routerTokens.usage(r.spec.name()),
              window.quantile(r.spec.name(), budgetQuantile)));
    }
    long estimate = request.maxTokens();
    AttemptPlan plan = Selector.plan(candidates, policy, RouteFilters.NONE, estimate, random);
    String reservedOn = null;
    if (!plan.isEmpty()) {
      reservedOn = plan.order().get(0).candidate().name();
      routerTokens.add(reservedOn, estimate);
    }
    double elapsed = 0;
    int attempts = 0;
    for (AttemptPlan.Scored scored : plan.order()) {
      if (attempts >= 3) {
        break;
      }
      Region r = byName(scored.candidate().name());
      RegionHealth h = health.get(r.index);
      if (!h.tryAcquire(r.maxInFlight)) {
        continue;
      }
      attempts++;
      if (!r.up(t + elapsed)) {
        h.release();
        h.recordFailure(); // connection refused after a round trip
        elapsed += r.rttMs / 1000.0;
        continue;
      }
      if (!room(r, request, trueTokens, inFlight)) {
        h.release();
        h.recordThrottled(Duration.ofSeconds(5)); // 429: cooled down, not a failure
        elapsed += r.rttMs / 1000.0;
        continue;
      }
      serve(
          request,
          r,
          t,
          elapsed,
          r.latency(z(request.id(), r.index), t + elapsed),
          trueTokens,
          inFlight,
          events,
          seq,
          result,
          reservedOn,
          estimate);
      return;
    }
    routerTokens.settle(reservedOn, estimate, null, 0);
    result.failed++;
  }

  /**
   * The reference tutorial: every request probes every region (modelled optimistically as in
   * parallel: the slowest health round trip is added to the request), score = priority + 10 x that
   * single sample, regions with 3+ failures skipped forever (failures never expire), one attempt
   * (no retry), capacity unknown (a full region answers 429: a failed request).
   */
  private void routeByReference(
      Request request,
      double t,
      TokenMeter trueTokens,
      int[] inFlight,
      int[] failures,
      SplittableRandom random,
      PriorityQueue<Event> events,
      long[] seq,
      Result result) {
    double probeRound = 0;
    Region best = null;
    double bestScore = Double.MAX_VALUE;
    for (Region r : regions) {
      if (!r.up(t)) {
        failures[r.index]++; // its health check failed: counted, never forgotten
        continue;
      }
      double sample = r.rttMs * (1 + 0.1 * random.nextDouble()) / 1000.0;
      probeRound = Math.max(probeRound, sample);
      if (failures[r.index] >= 3) {
        continue;
      }
      double score = r.spec.priority() + 10 * sample;
      if (score < bestScore || (score == bestScore && r.spec.price() < best.spec.price())) {
        best = r;
        bestScore = score;
      }
    }
    if (best == null || !room(best, request, trueTokens, inFlight)) {
      result.failed++; // no region left, or the chosen one is full (429) and there is no retry
      return;
    }
    serve(
        request,
        best,
        t,
        probeRound,
        best.latency(z(request.id(), best.index), t),
        trueTokens,
        inFlight,
        events,
        seq,
        result,
        null,
        0);
  }

  /**
   * The oracle: knows which regions are up, their true p99 latency now (brownouts included), and
   * their true room; takes the cheapest region of the best priority tier whose true p99 meets the
   * budget, the fastest when none does. It never fails over (it never picks a dead region).
   */
  private void routeByOracle(
      Request request,
      double t,
      TokenMeter trueTokens,
      int[] inFlight,
      PriorityQueue<Event> events,
      long[] seq,
      Result result) {
    Region best = null;
    int[] tiers = regions.stream().mapToInt(r -> r.spec.priority()).distinct().sorted().toArray();
    for (int tier : tiers) {
      Region within = null;
      Region fastest = null;
      for (Region r : regions) {
        if (r.spec.priority() != tier || !r.up(t) || !room(r, request, trueTokens, inFlight)) {
          continue;
        }
        double p99 = r.p99(t);
        if (p99 <= budget
            && (within == null
                || r.spec.price() < within.spec.price()
                || (r.spec.price() == within.spec.price() && p99 < within.p99(t)))) {
          within = r;
        }
        if (fastest == null || p99 < fastest.p99(t)) {
          fastest = r;
        }
      }
      best = within != null ? within : fastest;
      if (within != null) {
        break;
      }
      if (best != null) {
        // none of this tier meets the budget: a lower tier may; keep the fastest as the fallback
        Region fallback = best;
        best = null;
        for (int lower : tiers) {
          if (lower <= tier) {
            continue;
          }
          for (Region r : regions) {
            if (r.spec.priority() == lower
                && r.up(t)
                && room(r, request, trueTokens, inFlight)
                && r.p99(t) <= budget
                && (best == null || r.spec.price() < best.spec.price())) {
              best = r;
            }
          }
          if (best != null) {
            break;
          }
        }
        if (best == null) {
          best = fallback;
        }
        break;
      }
    }
    if (best == null) {
      result.failed++;
      return;
    }
    serve(
        request,
        best,
        t,
        0,
        best.latency(z(request.id(), best.index), t),
        trueTokens,
        inFlight,
        events,
        seq,
        result,
        null,
        0);
  }

  private Region byName(String name) {
    for (Region r : regions) {
      if (r.spec.name().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException(name);
  }

  // ----------------------------------------------------------------------------------------------

  public static void main(String[] args) throws IOException {
    Map<String, String> opts = new HashMap<>();
    for (String arg : args) {
      if (arg.startsWith("--") && arg.contains("=")) {
        opts.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      } else if (!arg.isBlank()) {
        throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
    int regionCount = Integer.parseInt(opts.getOrDefault("regions", "14"));
    if (regionCount < 4 || regionCount > SPECS.size()) {
      throw new IllegalArgumentException("--regions must be 4 to " + SPECS.size());
    }
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "900"));
    // load grows with the fleet (~4.3 req/s a region: 60 req/s for 14), so capacity matters at
    // every size
    double rate =
        Double.parseDouble(
            opts.getOrDefault("rate", String.valueOf(Math.round(regionCount * 4.3))));
    double budgetMs = Double.parseDouble(opts.getOrDefault("budget-ms", "400"));
    String from = opts.getOrDefault("from", "us-east-1");
    Path csv = Path.of(opts.getOrDefault("csv", "bench/data/aws-inter-region-rtt-ms.csv"));
    Map<String, Double> rtt = rttFrom(csv, from);

    PolicySim sim = new PolicySim(seed, regionCount, seconds, rate, budgetMs / 1000, rtt);
    // the router's defaults (router.routing.latency-window-*), overridable to explore
    sim.windowSize = Integer.parseInt(opts.getOrDefault("window", "512"));
    sim.windowMinSamples = Integer.parseInt(opts.getOrDefault("window-min", "8"));
    sim.windowMaxAgeMillis = Long.parseLong(opts.getOrDefault("window-age-s", "60")) * 1000;
    RoutingPolicy base = RoutingPolicy.reference().withLatencyBudgetSeconds(budgetMs / 1000);
    List<Result> results = new ArrayList<>();
    long started = System.nanoTime();
    results.add(
        sim.run("oracle", "knows true p99 latencies, outages and room", Mode.ORACLE, base, 0.99));
    results.add(
        sim.run(
            "cost-within-latency-budget",
            "p99 of the last 512 answers (60 s) vs the budget",
            Mode.ROUTER,
            base.withKind(PolicyKind.COST_WITHIN_LATENCY_BUDGET),
            0.99));
    results.add(
        sim.run(
            "cost-within-latency-budget (p90)",
            "same, budget compared to the p90",
            Mode.ROUTER,
            base.withKind(PolicyKind.COST_WITHIN_LATENCY_BUDGET),
            0.9));
    results.add(
        sim.run(
            "priority-latency (default)",
            "the reference's formula, this router's machinery",
            Mode.ROUTER,
            base,
            0.99));
    results.add(
        sim.run(
            "lowest-latency",
            "traffic EWMA",
            Mode.ROUTER,
            base.withKind(PolicyKind.LOWEST_LATENCY),
            0.99));
    results.add(
        sim.run(
            "lowest-cost",
            "cheapest of the tier",
            Mode.ROUTER,
            base.withKind(PolicyKind.LOWEST_COST),
            0.99));
    results.add(
        sim.run(
            "reference tutorial",
            "probe round per request, no retry, failures never expire",
            Mode.REFERENCE,
            base,
            0.99));
    double wallSeconds = (System.nanoTime() - started) / 1e9;

    String sweep =
        opts.containsKey("sweep") ? sweep(budgetMs, rtt, Integer.parseInt(opts.get("sweep"))) : "";
    String md = sweep.isEmpty() ? "" : "";
    md =
        markdown(
            sim,
            results,
            seed,
            regionCount,
            seconds,
            rate,
            budgetMs,
            from,
            wallSeconds,
            opts.get("png"));
    md = md + sweep;
    System.out.println(md);
    if (opts.containsKey("md")) {
      Files.writeString(Path.of(opts.get("md")), md);
    }
    if (opts.containsKey("png")) {
      CostLatencyPlot.write(
          Path.of(opts.get("png")),
          results,
          budgetMs,
          "policy-sim: seed "
              + seed
              + ", "
              + regionCount
              + " regions, "
              + sim.workload.size()
              + " requests");
    }
  }

  /**
   * Robustness: the same comparison over other seeds and fleet sizes (shorter runs), for the budget
   * policy, the default policy and the reference tutorial against the oracle.
   */
  static String sweep(double budgetMs, Map<String, Double> rtt, int seconds) {
    StringBuilder md =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%n### Other seeds and fleet sizes (%d s each)%n%n"
                    + "| seed | regions | req/s | oracle: USD/1k, over budget | cost-within-latency-budget: vs oracle, over budget, failed | "
                    + "priority-latency: vs oracle, over budget, failed | reference tutorial: vs oracle, over budget, failed |%n"
                    + "|---:|---:|---:|---:|---|---|---|%n",
                seconds));
    RoutingPolicy base = RoutingPolicy.reference().withLatencyBudgetSeconds(budgetMs / 1000);
    for (long seed : new long[] {1, 2, 3, 42}) {
      for (int n : new int[] {4, 8, 14, 20}) {
        double rate = Math.round(n * 4.3);
        PolicySim sim = new PolicySim(seed, n, seconds, rate, budgetMs / 1000, rtt);
        Result oracle = sim.run("oracle", "", Mode.ORACLE, base, 0.99);
        Result budget =
            sim.run(
                "budget",
                "",
                Mode.ROUTER,
                base.withKind(PolicyKind.COST_WITHIN_LATENCY_BUDGET),
                0.99);
        Result byScore = sim.run("default", "", Mode.ROUTER, base, 0.99);
        Result reference = sim.run("reference", "", Mode.REFERENCE, base, 0.99);
        md.append(
            String.format(
                Locale.ROOT,
                "| %d | %d | %.0f | %.4f, %.2f %% | %s | %s | %s |%n",
                seed,
                n,
                rate,
                oracle.costPer1k(),
                oracle.violationRate() * 100,
                cell(budget, oracle),
                cell(byScore, oracle),
                cell(reference, oracle)));
      }
    }
    return md.toString();
  }

  private static String cell(Result r, Result oracle) {
    return String.format(
        Locale.ROOT,
        "%+.1f %%, %.2f %%, %d",
        (r.costPer1k() / oracle.costPer1k() - 1) * 100,
        r.violationRate() * 100,
        r.failed);
  }

  static Map<String, Double> rttFrom(Path csv, String from) throws IOException {
    List<String> lines =
        Files.readAllLines(csv).stream().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
    String[] header = lines.get(0).split(",");
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      if (cells[0].equals(from)) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 1; i < header.length; i++) {
          out.put(header[i], Double.parseDouble(cells[i]));
        }
        return out;
      }
    }
    throw new IllegalArgumentException("no row for " + from + " in " + csv);
  }

  static String markdown(
      PolicySim sim,
      List<Result> results,
      long seed,
      int regionCount,
      int seconds,
      double rate,
      double budgetMs,
      String from,
      double wallSeconds,
      String png) {
    Result oracle = results.get(0);
    Result budgetPolicy = results.get(1);
    StringBuilder md = new StringBuilder();
    md.append("## Routing quality: policy simulation (`bench/policy-sim`)\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Seed %d, %d simulated regions seen from a router in %s (round trips from "
                + "`aws-inter-region-rtt-ms.csv`), %d s of Poisson traffic at %.0f req/s (%d requests, max_tokens 64-512), "
                + "latency budget %.0f ms. Each run drives the real `Selector`, `RegionHealth` (probes every 2 s, passive "
                + "ejection), `LatencyWindow` and `TokenMeter` on a simulated clock; every run sees the same arrivals and the "
                + "same latency draw per (request, region). Computed in %.1f s.%n%n",
            seed,
            regionCount,
            from,
            seconds,
            rate,
            sim.workload.size(),
            budgetMs,
            wallSeconds));
    md.append(
        "| policy | USD per 1k tokens | vs oracle | p50 ms | p99 ms | over budget | failed | note |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (Result r : results) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.4f | %+.1f %% | %.0f | %.0f | %.2f %% | %d | %s |%n",
              r.name,
              r.costPer1k(),
              (r.costPer1k() / oracle.costPer1k() - 1) * 100,
              r.percentile(0.5) * 1000,
              r.percentile(0.99) * 1000,
              r.violationRate() * 100,
              r.failed,
              r.note));
    }
    double gap = (budgetPolicy.costPer1k() / oracle.costPer1k() - 1) * 100;
    md.append(
        String.format(
            Locale.ROOT,
            "%nTargets for `cost-within-latency-budget`: cost within 5 %% of the "
                + "oracle's: %+.1f %% (%s); under 1 %% over budget: %.2f %% (%s); no failed requests: %d (%s). "
                + "\"over budget\" counts served requests slower than the budget plus failed ones, over all requests.%n",
            gap,
            gap <= 5 ? "**met**" : "**not met**",
            budgetPolicy.violationRate() * 100,
            budgetPolicy.violationRate() < 0.01 ? "**met**" : "**not met**",
            budgetPolicy.failed,
            budgetPolicy.failed == 0 ? "**met**" : "**not met**"));
    Result reference = results.get(results.size() - 1);
    md.append(
        String.format(
            Locale.ROOT,
            "%nThe reference tutorial's algorithm: %.4f USD/1k (%+.1f %% vs the oracle), "
                + "p99 %.0f ms, %.2f %% over budget, %d failed requests (%.2f %%): it sends everything to the nearest region, "
                + "adds a probe round to each request, fails a request whenever that region is down or full (no retry), and "
                + "drops a region for good after 3 failures.%n",
            reference.costPer1k(),
            (reference.costPer1k() / oracle.costPer1k() - 1) * 100,
            reference.percentile(0.99) * 1000,
            reference.violationRate() * 100,
            reference.failed,
            100.0 * reference.failed / (reference.failed + reference.served)));
    md.append("\n<details><summary>Simulated regions (truth)</summary>\n\n");
    md.append(
        "| region | provider | priority | USD/1k | RTT ms | inference median ms | sigma | true p99 ms | "
            + "max in flight | tokens/min | outages (s) | brownouts (s, factor) |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (Region r : sim.regions) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %.2f | %.0f | %.0f | %.2f | %.0f | %s | %s | %s | %s |%n",
              r.spec.name(),
              r.spec.provider(),
              r.spec.priority(),
              r.spec.price(),
              r.rttMs,
              r.medianMs,
              r.sigma,
              r.p99(-1) * 1000,
              r.maxInFlight,
              r.tokensPerMinute == null ? "-" : r.tokensPerMinute.toString(),
              windows(r.outages, false),
              windows(r.brownouts, true)));
    }
    md.append("\n</details>\n\n");
    md.append("<details><summary>Requests per region</summary>\n\n| policy | ");
    md.append(String.join(" | ", sim.regions.stream().map(r -> r.spec.name()).toList()))
        .append(" |\n|---|");
    md.append("---:|".repeat(sim.regions.size())).append('\n');
    for (Result r : results) {
      md.append("| ").append(r.name).append(" | ");
      md.append(
              String.join(
                  " | ",
                  sim.regions.stream()
                      .map(g -> Integer.toString(r.byRegion.getOrDefault(g.spec.name(), 0)))
                      .toList()))
          .append(" |\n");
    }
    md.append("\n</details>\n");
    if (png != null) {
      md.append("\n![cost vs latency per policy](")
          .append(Path.of(png).getFileName())
          .append(")\n");
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nRe-run: `bench/policy-sim --seed=%d --regions=%d --seconds=%d --rate=%.0f "
                + "--budget-ms=%.0f`.%n",
            seed,
            regionCount,
            seconds,
            rate,
            budgetMs));
    return md.toString();
  }

  private static String windows(List<Window> windows, boolean factor) {
    if (windows.isEmpty()) {
      return "-";
    }
    return String.join(
        ", ",
        windows.stream()
            .map(
                w ->
                    String.format(
                        Locale.ROOT,
                        factor ? "%.0f-%.0f x%.1f" : "%.0f-%.0f",
                        w.from(),
                        w.to(),
                        w.factor()))
            .toList());
  }

  static double[] toArray(List<Double> list) {
    return list.stream().mapToDouble(Double::doubleValue).toArray();
  }

  static String describe(double[] values) {
    return Arrays.toString(values);
  }
}
