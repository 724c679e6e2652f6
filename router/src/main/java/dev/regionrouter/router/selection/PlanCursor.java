package dev.regionrouter.router.selection;

/** A position in a ranked list of entries: next() answers the next usable one, or -1. */
final class PlanCursor {

  /** The ranked entries of one plan, as it reads them. */
  interface Entries {
    /** The entry applies (its in-flight case) and its region has room for the request. */
    boolean usable(int entry);

    AttemptPlan.Scored scored(int entry);
  }

  final Entries walk;
  final int[] entries;
  int position;

  PlanCursor(Entries walk, int[] entries) {
    this.walk = walk;
    this.entries = entries;
  }

  int next() {
    while (position < entries.length) {
      int e = entries[position++];
      if (walk.usable(e)) {
        return e;
      }
    }
    return -1;
  }
}
