package io.minietl.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class EpochPlanTest {

  record Case(int[] units, int world, int batch, int window, long seed, boolean shuffle) {
    EpochPlan.Params params(int rank, long epoch, Remainder remainder) {
      return new EpochPlan.Params(seed, shuffle, epoch, 0, world, rank, batch, window, remainder);
    }

    long total() {
      return Arrays.stream(units).asLongStream().sum();
    }

    @Override
    public String toString() {
      return "Case{units="
          + Arrays.toString(units)
          + ", world="
          + world
          + ", batch="
          + batch
          + ", window="
          + window
          + ", seed="
          + seed
          + ", shuffle="
          + shuffle
          + "}";
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<int[]> units =
        Arbitraries.integers().between(0, 40).array(int[].class).ofMinSize(0).ofMaxSize(12);
    return Combinators.combine(
            units,
            Arbitraries.integers().between(1, 9),
            Arbitraries.integers().between(1, 7),
            Arbitraries.integers().between(1, 4),
            Arbitraries.longs(),
            Arbitraries.of(true, false))
        .as(Case::new);
  }

  private static List<EpochPlan> allRanks(Case c, long epoch, Remainder remainder) {
    List<EpochPlan> plans = new ArrayList<>();
    for (int r = 0; r < c.world(); r++) {
      plans.add(EpochPlan.plan(c.units(), c.params(r, epoch, remainder)));
    }
    return plans;
  }

  @Property(tries = 300)
  void padYieldsEveryRowExactlyOnceAcrossRanksWithEqualBatchCounts(@ForAll("cases") Case c) {
    List<EpochPlan> plans = allRanks(c, 3, Remainder.PAD);
    Set<Long> seen = new HashSet<>();
    for (EpochPlan p : plans) {
      assertThat(p.batchCount()).isEqualTo(plans.get(0).batchCount());
      assertThat(p.rows().length).isEqualTo(p.batchCount() * c.batch());
      for (int i = 0; i < p.realRows(); i++) {
        assertThat(seen.add(p.rows()[i])).as("row %s twice", p.rows()[i]).isTrue();
      }
    }
    assertThat((long) seen.size()).isEqualTo(c.total());
    for (long row : seen) {
      assertThat(EpochPlan.offset(row)).isLessThan(c.units()[EpochPlan.unit(row)]);
    }
    long perRank = (c.total() + c.world() - 1) / c.world();
    assertThat((long) plans.get(0).batchCount()).isEqualTo((perRank + c.batch() - 1) / c.batch());
  }

  @Property(tries = 300)
  void dropYieldsDisjointFullBatchesAndDropsLessThanWorldTimesBatchPlusOne(
      @ForAll("cases") Case c) {
    List<EpochPlan> plans = allRanks(c, 1, Remainder.DROP);
    Set<Long> seen = new HashSet<>();
    for (EpochPlan p : plans) {
      assertThat(p.batchCount()).isEqualTo(plans.get(0).batchCount());
      assertThat(p.realRows()).isEqualTo(p.rows().length);
      for (long row : p.rows()) {
        assertThat(seen.add(row)).isTrue();
      }
    }
    assertThat(c.total() - seen.size()).isLessThan((long) c.world() * (c.batch() + 1));
  }

  @Property(tries = 200)
  void samePlanForSameInputs(@ForAll("cases") Case c, @ForAll @IntRange(max = 8) int rank) {
    int r = rank % c.world();
    long[] a = EpochPlan.plan(c.units(), c.params(r, 5, Remainder.PAD)).rows();
    long[] b = EpochPlan.plan(c.units().clone(), c.params(r, 5, Remainder.PAD)).rows();
    assertThat(a).isEqualTo(b);
  }

  @Property(tries = 50)
  void threeShardsAndEightRanksWork(@ForAll @IntRange(min = 1, max = 5) int batch) {
    Case c = new Case(new int[] {7, 3, 11}, 8, batch, 2, 42, true);
    List<EpochPlan> plans = allRanks(c, 0, Remainder.PAD);
    Set<Long> seen = new HashSet<>();
    plans.forEach(p -> Arrays.stream(p.rows(), 0, p.realRows()).forEach(seen::add));
    assertThat(seen).hasSize(21);
    assertThat(plans).extracting(EpochPlan::batchCount).containsOnly(plans.get(0).batchCount());
    assertThat(plans.get(0).batchCount()).isPositive();
  }

  @Property(tries = 50)
  void differentEpochsGiveDifferentOrders(@ForAll long seed) {
    int[] units = {100, 100, 100, 100};
    Case c = new Case(units, 2, 10, 2, seed, true);
    long[] e0 = EpochPlan.plan(units, c.params(0, 0, Remainder.DROP)).rows();
    long[] e1 = EpochPlan.plan(units, c.params(0, 1, Remainder.DROP)).rows();
    assertThat(e0).isNotEqualTo(e1);
  }

  @Property(tries = 50)
  void sequentialKeepsTheCanonicalOrder(@ForAll("cases") Case c) {
    Case seq = new Case(c.units(), 1, c.batch(), c.window(), c.seed(), false);
    EpochPlan p = EpochPlan.plan(seq.units(), seq.params(0, 0, Remainder.PAD));
    long prev = -1;
    for (int i = 0; i < p.realRows(); i++) {
      assertThat(p.rows()[i]).isGreaterThan(prev);
      prev = p.rows()[i];
    }
  }

  @Property(tries = 100)
  void paddingRepeatsOnlyRowsOfTheEpoch(@ForAll("cases") Case c) {
    for (EpochPlan p : allRanks(c, 0, Remainder.PAD)) {
      Set<Long> valid = new HashSet<>();
      for (int u = 0; u < c.units().length; u++) {
        for (int o = 0; o < c.units()[u]; o++) {
          valid.add(EpochPlan.encode(u, o));
        }
      }
      for (long row : p.rows()) {
        assertThat(valid).contains(row);
      }
    }
  }
}
