import { useActionData, useLocation } from "@remix-run/react";
import { useRef } from "react";

/**
 * `useActionData`, kept through revalidations. A page kept live (the meeting page) revalidates whenever
 * someone else changes it, and Remix then forgets the last action's answer: the confirmation would vanish
 * as soon as it appears, and the forms keyed on it would be remounted under the user's fingers.
 * The answer is dropped only when the user navigates (a new location).
 */
export function useLastActionData<Action>(): ReturnType<typeof useActionData<Action>> {
  type Answer = ReturnType<typeof useActionData<Action>>;
  const actionData: Answer = useActionData<Action>();
  const { key } = useLocation();
  const kept = useRef<{ locationKey: string; data: Answer } | undefined>(undefined);
  if (actionData !== undefined) kept.current = { locationKey: key, data: actionData };
  else if (kept.current?.locationKey !== key) kept.current = undefined;
  return kept.current?.data;
}
