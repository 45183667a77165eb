import { useEffect, useState } from "react";
import type { Awareness } from "y-protocols/awareness";

export interface Person {
  key: string;
  name: string;
  color: string;
  self: boolean;
}

const colourPattern = /^#[0-9a-fA-F]{6}$/;

/** Who has the document open, from the awareness states: me first, then by name, one line per person. */
export function peopleOf(awareness: Awareness, selfClientId: number): Person[] {
  const byKey = new Map<string, Person>();
  for (const [clientId, state] of awareness.getStates()) {
    const user = (state as { user?: { id?: unknown; name?: unknown; color?: unknown } }).user;
    if (!user || typeof user.name !== "string" || !user.name) continue;
    const key = typeof user.id === "string" ? user.id : `client-${clientId}`;
    const self = clientId === selfClientId;
    const existing = byKey.get(key);
    // The same person in two tabs is listed once; "(vous)" wins.
    if (existing && (existing.self || !self)) continue;
    byKey.set(key, { key, name: user.name, color: typeof user.color === "string" && colourPattern.test(user.color) ? user.color : "#4d4d4d", self });
  }
  return [...byKey.values()].sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name, "fr"));
}

export function usePresence(awareness: Awareness | null, selfClientId: number | null): Person[] {
  const [people, setPeople] = useState<Person[]>([]);
  useEffect(() => {
    if (!awareness || selfClientId === null) return setPeople([]);
    const update = () => setPeople(peopleOf(awareness, selfClientId));
    update();
    awareness.on("change", update);
    return () => awareness.off("change", update);
  }, [awareness, selfClientId]);
  return people;
}

export function Presence({ people }: { people: Person[] }) {
  return (
    <div className="editor-presence">
      <span className="editor-presence__title">Présents :</span>
      <ul className="editor-presence__list">
        {people.map((person) => (
          <li key={person.key} className="editor-presence__person">
            <span className="editor-presence__swatch" style={{ backgroundColor: person.color }} aria-hidden="true" />
            {person.name}
            {person.self ? " (vous)" : ""}
          </li>
        ))}
      </ul>
    </div>
  );
}
