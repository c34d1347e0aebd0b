// Sequencing rules: each gives the orders in its priority order; the dispatcher then starts, each
// time the first station is free, the first order of that list whose material is there and that
// is released (a late order is skipped, not waited for). `fixed` is the planner's sequence and is
// kept strictly: the line waits for an order rather than reorder it. `family` prefers an order of
// the family the first station is set up for, to save changeovers. Ties: priority (higher first),
// then the order book's order.
//   fifo   release time
//   edd    due date (Jackson's rule: minimizes the maximum lateness on one machine)
//   spt    total processing time (minimizes mean flow time on one machine, all released at 0)
//   family families by their earliest due date, EDD inside a family

import type { OrderSpec, PlanSpec, Rule } from './plan-spec.ts';
import { orderWork } from './plan-spec.ts';

function tie(a: OrderSpec, b: OrderSpec): number {
  return b.priority - a.priority || a.index - b.index;
}

/** The orders' indices in the rule's priority order. */
export function ruleOrder(plan: PlanSpec, rule: Rule): number[] {
  const o = [...plan.orders];
  switch (rule) {
    case 'fifo':
      o.sort((a, b) => a.release - b.release || tie(a, b));
      break;
    case 'edd':
      o.sort((a, b) => a.due - b.due || tie(a, b));
      break;
    case 'spt':
      o.sort((a, b) => orderWork(plan, a) - orderWork(plan, b) || tie(a, b));
      break;
    case 'family': {
      const fam = (x: OrderSpec): string => plan.products[x.product]!.family;
      const firstDue = new Map<string, number>();
      for (const x of o) firstDue.set(fam(x), Math.min(firstDue.get(fam(x)) ?? Infinity, x.due));
      o.sort((a, b) => firstDue.get(fam(a))! - firstDue.get(fam(b))! || (fam(a) < fam(b) ? -1 : fam(a) > fam(b) ? 1 : 0) || a.due - b.due || tie(a, b));
      break;
    }
    case 'fixed':
      return [...(plan.sequence ?? plan.orders.map((x) => x.index))];
  }
  return o.map((x) => x.index);
}

/** When an order can start at the first station: released and its material delivered. */
export function availableAt(o: OrderSpec): number {
  return Math.max(o.release, o.material);
}

/**
 * The next order to start at the first station, free at t: index into `list` (orders not yet
 * started, in the rule's order) and the time it can start. `family`: the family the station is
 * set up for, preferred by the family rule.
 */
export function dispatch(plan: PlanSpec, rule: Rule, list: readonly number[], t: number, family: string | null): { pos: number; at: number } {
  if (rule === 'fixed') return { pos: 0, at: Math.max(t, availableAt(plan.orders[list[0]!]!)) };
  let at = t;
  // No order ready at t: the earliest time one is.
  if (!list.some((i) => availableAt(plan.orders[i]!) <= t)) at = Math.min(...list.map((i) => availableAt(plan.orders[i]!)));
  if (rule === 'family' && family !== null) {
    const same = list.findIndex((i) => availableAt(plan.orders[i]!) <= at && plan.products[plan.orders[i]!.product]!.family === family);
    if (same >= 0) return { pos: same, at };
  }
  return { pos: list.findIndex((i) => availableAt(plan.orders[i]!) <= at), at };
}
