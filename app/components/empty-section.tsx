import type { ReactNode } from "react";

/** The honest page of a section that has nothing yet: what it will hold and what to do meanwhile. */
export function EmptySection({ title, lead, children }: { title: string; lead: string; children?: ReactNode }) {
  return (
    <>
      <h1>{title}</h1>
      <div className="empty-state">
        <h2>Rien ici pour l'instant</h2>
        <p>{lead}</p>
        {children}
      </div>
    </>
  );
}
