/**
 * What changed since the previous tertial: a pure comparison of two periods' goals.
 *
 * Goals are matched by id (case- and whitespace-insensitive), then by title; activities
 * by their goal and their title, the same way. An activity moved to another goal is
 * therefore new under the one and gone from the other, which is what a reader of the
 * two documents would see. The report (report.ts) turns the result into text.
 */
import type { ActivityStatus, Assessment } from './domain.js';
import { matchKey } from './parse/text.js';

export interface ComparableActivity {
  readonly title: string;
  readonly status: ActivityStatus;
}

export interface ComparableGoal {
  /** '' when the goal has no id. */
  readonly id: string;
  readonly title: string;
  /** As the document shows it, e.g. "KS1 Ekonomi i balans". */
  readonly heading: string;
  readonly assessment: Assessment;
  readonly activities: readonly ComparableActivity[];
}

export type ActivityChange =
  | { readonly kind: 'new' }
  | { readonly kind: 'status'; readonly from: ActivityStatus; readonly to: ActivityStatus }
  | { readonly kind: 'unchanged' };

export interface GoalComparison {
  /** No goal of the previous tertial matches this one. */
  readonly isNew: boolean;
  /** The matching previous goal's assessment; undefined for a new goal. */
  readonly previousAssessment?: Assessment;
  /** One entry per activity of the current goal, in the same order. */
  readonly activities: readonly ActivityChange[];
  /** Activities of the matching previous goal that the current goal no longer has. */
  readonly removedActivities: readonly ComparableActivity[];
}

export interface PeriodComparison {
  /** One entry per current goal, in the same order. */
  readonly goals: readonly GoalComparison[];
  /** Previous goals that no current goal matches, in their previous order. */
  readonly removedGoals: readonly ComparableGoal[];
}

/** Compares the current tertial's goals with the previous tertial's. Pure. */
export function compareGoals(
  current: readonly ComparableGoal[],
  previous: readonly ComparableGoal[],
): PeriodComparison {
  const unmatched = new Set(previous);
  const take = (found: ComparableGoal | undefined): ComparableGoal | undefined => {
    if (found) unmatched.delete(found);
    return found;
  };
  // Ids first for every goal, so that a goal renamed in one tertial and a new goal that
  // took its old title cannot steal each other's match.
  const matches = current.map((goal) =>
    goal.id ? take(previous.find((p) => unmatched.has(p) && p.id !== '' && sameKey(p.id, goal.id))) : undefined,
  );
  const goals = current.map((goal, i): GoalComparison => {
    const match =
      matches[i] ?? take(previous.find((p) => unmatched.has(p) && sameKey(p.title, goal.title) && !(p.id && goal.id)));
    if (!match) return { isNew: true, activities: goal.activities.map(() => ({ kind: 'new' })), removedActivities: [] };
    return {
      isNew: false,
      previousAssessment: match.assessment,
      ...compareActivities(goal.activities, match.activities),
    };
  });
  return { goals, removedGoals: previous.filter((p) => unmatched.has(p)) };
}

function compareActivities(
  current: readonly ComparableActivity[],
  previous: readonly ComparableActivity[],
): Pick<GoalComparison, 'activities' | 'removedActivities'> {
  // A goal may list the same title twice (two rows of one file): match them in order.
  const byTitle = new Map<string, ComparableActivity[]>();
  for (const activity of previous) {
    const key = matchKey(activity.title);
    byTitle.set(key, [...(byTitle.get(key) ?? []), activity]);
  }
  const activities = current.map((activity): ActivityChange => {
    const match = byTitle.get(matchKey(activity.title))?.shift();
    if (!match) return { kind: 'new' };
    return match.status === activity.status
      ? { kind: 'unchanged' }
      : { kind: 'status', from: match.status, to: activity.status };
  });
  const left = new Set([...byTitle.values()].flat());
  return { activities, removedActivities: previous.filter((a) => left.has(a)) };
}

/** Case- and whitespace-insensitive, as goals and activities are matched everywhere else. */
function sameKey(a: string, b: string): boolean {
  return matchKey(a) === matchKey(b);
}
