package dev.regionrouter.router.selection;

import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.RandomAccess;

/**
 * A plan's order, built as read: parts already planned (the best and those sharing with it), then
 * the rest of a ranked list, walked when a reader gets that far. size() walks it all without
 * building candidates; get builds the ones read.
 */
final class PlanOrder extends AbstractList<AttemptPlan.Scored> implements RandomAccess {
  final PlanCursor.Entries walk;
  private final ArrayDeque<Object> parts = new ArrayDeque<>(4); // List<Scored> or PlanCursor
  private int[] entries = new int[8]; // -1 where the part came planned
  private AttemptPlan.Scored[] scored = new AttemptPlan.Scored[8];
  private int count;

  PlanOrder(PlanCursor.Entries walk) {
    this.walk = walk;
  }

  void then(Object part) {
    parts.addLast(part);
  }

  private void append(int entry, AttemptPlan.Scored s) {
    if (count == entries.length) {
      entries = Arrays.copyOf(entries, count * 2);
      scored = Arrays.copyOf(scored, count * 2);
    }
    entries[count] = entry;
    scored[count] = s;
    count++;
  }

  /** Walks until the order holds index + 1 regions or ends; true when it holds them. */
  private synchronized boolean reach(int index) {
    while (count <= index && !parts.isEmpty()) {
      Object part = parts.peekFirst();
      if (part instanceof PlanCursor cursor) {
        int e = cursor.next();
        if (e < 0) {
          parts.pollFirst();
        } else {
          append(e, null);
        }
      } else {
        parts.pollFirst();
        @SuppressWarnings("unchecked")
        List<AttemptPlan.Scored> planned = (List<AttemptPlan.Scored>) part;
        for (AttemptPlan.Scored s : planned) {
          append(-1, s);
        }
      }
    }
    return count > index;
  }

  @Override
  public synchronized AttemptPlan.Scored get(int index) {
    if (index < 0 || !reach(index)) {
      throw new IndexOutOfBoundsException(index);
    }
    AttemptPlan.Scored s = scored[index];
    if (s == null) {
      s = walk.scored(entries[index]);
      scored[index] = s;
    }
    return s;
  }

  @Override
  public synchronized int size() {
    reach(Integer.MAX_VALUE - 1);
    return count;
  }

  @Override
  public boolean isEmpty() {
    return !reach(0);
  }

  @Override
  public Iterator<AttemptPlan.Scored> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return reach(next);
      }

      @Override
      public AttemptPlan.Scored next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return get(next++);
      }
    };
  }
}
