import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { SectionOptions } from "./section-options.tsx";

/**
 * The fields of a watch page or practice note (create and edit forms), filled
 * with the stored values or with what was typed when the server refused it,
 * each message next to its field.
 */

export interface KnowledgeValues {
  title?: string;
  themes?: string[];
  sectionId?: string | null;
  ownerUserId?: string | null;
  reviewOn?: string | null;
  legalReferences?: { code?: string; article?: string; url?: string | null; effectiveOn?: string | null }[];
  published?: boolean;
  cost?: string | null;
  partners?: string | null;
  contactName?: string | null;
  contactDetails?: string | null;
}

type Errors = Record<string, string[]> | undefined;

/** What the server sent back after a refusal, in the shape of stored values. */
export function valuesFromPayload(payload: Record<string, unknown>): KnowledgeValues {
  const themes = payload.themes === undefined ? [] : Array.isArray(payload.themes) ? payload.themes : [payload.themes];
  return {
    ...(payload as KnowledgeValues),
    themes: themes as string[],
    published: payload.published === "on",
    // A hand-made request can send holes or plain strings in the list: each row becomes an object, indexes kept.
    legalReferences: Array.isArray(payload.legalReferences)
      ? Array.from(payload.legalReferences as unknown[], (row) => (row && typeof row === "object" ? (row as NonNullable<KnowledgeValues["legalReferences"]>[number]) : {}))
      : [],
  };
}

function Field({ id, label, hint, errors, children }: { id: string; label: string; hint?: string; errors?: string[]; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      {children}
      <p className="field-error" id={`${id}-error`} hidden={!errors?.length}>
        {errors?.join(" ")}
      </p>
    </div>
  );
}

function describedBy(id: string, hint: boolean, errors?: string[]) {
  return [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
}

function Input({ prefix, name, label, hint, values, errors, type = "text", errorKey }: {
  prefix: string;
  name: string;
  label: string;
  hint?: string;
  values: Record<string, unknown>;
  errors: Errors;
  type?: string;
  errorKey?: string;
}) {
  const id = `${prefix}-${name.replace(/[^a-zA-Z0-9]/g, "-")}`;
  const fieldErrors = errors?.[errorKey ?? name];
  const value = values[name];
  return (
    <Field id={id} label={label} hint={hint} errors={fieldErrors}>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={typeof value === "string" ? value : ""}
        aria-invalid={fieldErrors?.length ? true : undefined}
        aria-describedby={describedBy(id, Boolean(hint), fieldErrors)}
      />
    </Field>
  );
}

export function KnowledgeFields({
  prefix,
  kind,
  values,
  errors,
  themes,
  sections,
  sectionTitle,
  organisations,
  owners,
}: {
  prefix: string;
  kind: "wiki" | "practice";
  values: KnowledgeValues;
  errors: Errors;
  themes: { id: string; label: string }[];
  /** Offered to those who arrange the wiki (the coordinators): the section to file the page in. */
  sections?: { id: string; title: string; depth: number }[];
  /** Shown instead, as text, to the page's other writers. */
  sectionTitle?: string | null;
  /** Offered when creating a practice note: the CCAS it is written for. */
  organisations?: { id: string; name: string }[];
  /** Offered to those who may hand the page or note over (its responsible, the coordinators, a note's CCAS director). */
  owners?: { candidates: { userId: string; name: string; organisationName: string }[]; current: { userId: string | null; name: string | null } };
}) {
  const flat = values as Record<string, unknown>;
  const references = [...(values.legalReferences ?? [])];
  // Always a couple of empty rows to add references without script.
  while (references.length < (values.legalReferences?.length ?? 0) + 2) references.push({});
  const chosenThemes = new Set(values.themes ?? []);
  const themeErrors = errors?.themes;
  return (
    <>
      {errors?.form ? (
        <div className="form-error" role="alert">
          {errors.form.map((message) => (
            <p key={message}>{message}</p>
          ))}
        </div>
      ) : null}
      <Input prefix={prefix} name="title" label="Titre" values={flat} errors={errors} />
      {organisations && organisations.length > 0 ? (
        <Field id={`${prefix}-organisationId`} label="CCAS auteur de la fiche" errors={errors?.organisationId}>
          <select id={`${prefix}-organisationId`} name="organisationId" defaultValue={String(flat.organisationId ?? organisations[0]!.id)}>
            {organisations.map((organisation) => (
              <option key={organisation.id} value={organisation.id}>
                {organisation.name}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      {kind === "wiki" && sections ? (
        <Field id={`${prefix}-sectionId`} label="Section" errors={errors?.sectionId}>
          <select id={`${prefix}-sectionId`} name="sectionId" defaultValue={values.sectionId ?? ""}>
            <option value="">Sans section</option>
            <SectionOptions sections={sections} />
          </select>
        </Field>
      ) : kind === "wiki" ? (
        <p className="field">
          Section : <strong>{sectionTitle ?? "sans section"}</strong>
          <span className="hint"> — la coordination du réseau range les pages dans les sections.</span>
        </p>
      ) : null}
      {owners ? <OwnerField prefix={prefix} kind={kind} owners={owners} value={values.ownerUserId ?? owners.current.userId ?? ""} errors={errors?.ownerUserId} /> : null}
      <fieldset className="field" aria-describedby={themeErrors?.length ? `${prefix}-themes-error` : undefined}>
        <legend>Thèmes</legend>
        <div className="checkbox-grid">
          {themes.map((theme) => (
            <label key={theme.id} className="checkbox">
              <input type="checkbox" name="themes" value={theme.id} defaultChecked={chosenThemes.has(theme.id) || chosenThemes.has(theme.label)} />{" "}
              {theme.label}
            </label>
          ))}
        </div>
        <p className="field-error" id={`${prefix}-themes-error`} hidden={!themeErrors?.length}>
          {themeErrors?.join(" ")}
        </p>
      </fieldset>
      <Input
        prefix={prefix}
        name="reviewOn"
        type="date"
        label="À revoir le"
        hint="Passé cette date, la page est signalée « à revoir » à son responsable."
        values={flat}
        errors={errors}
      />
      {kind === "practice" ? (
        <>
          <Input prefix={prefix} name="cost" label="Coût" hint="Par exemple : 12 000 € par an, dont 40 % financés par le Département" values={flat} errors={errors} />
          <Input prefix={prefix} name="partners" label="Partenaires" values={flat} errors={errors} />
          <Input prefix={prefix} name="contactName" label="Personne à contacter" values={flat} errors={errors} />
          <Input prefix={prefix} name="contactDetails" label="Coordonnées du contact" values={flat} errors={errors} />
          <div className="field">
            <label className="checkbox">
              <input type="checkbox" name="published" defaultChecked={values.published ?? false} /> Publier la fiche pour tout le réseau
            </label>
            <span className="hint">Tant qu'elle n'est pas publiée, la fiche est un brouillon visible de votre CCAS seulement.</span>
          </div>
        </>
      ) : null}
      <fieldset className="field legal-references">
        <legend>Références juridiques</legend>
        <p className="hint">Code (CSP, CASF…) ou texte, article, lien vers le texte officiel (https://), date d'effet. Laissez une ligne vide pour l'ignorer.</p>
        {references.map((reference, index) => (
          <div className="legal-reference" key={index} role="group" aria-label={`Référence ${index + 1}`}>
            {(["code", "article", "url", "effectiveOn"] as const).map((key) => {
              const name = `legalReferences[${index}].${key}`;
              const labels = { code: "Code ou texte", article: "Article", url: "Lien officiel", effectiveOn: "Date d'effet" };
              return (
                <Input
                  key={key}
                  prefix={prefix}
                  name={name}
                  errorKey={`legalReferences.${index}.${key}`}
                  type={key === "effectiveOn" ? "date" : key === "url" ? "url" : "text"}
                  label={`${labels[key]} (référence ${index + 1})`}
                  values={{ [name]: reference[key] ?? "" }}
                  errors={errors}
                />
              );
            })}
          </div>
        ))}
      </fieldset>
    </>
  );
}

function OwnerField({ prefix, kind, owners, value, errors }: {
  prefix: string;
  kind: "wiki" | "practice";
  owners: NonNullable<Parameters<typeof KnowledgeFields>[0]["owners"]>;
  value: string;
  errors?: string[];
}) {
  const id = `${prefix}-ownerUserId`;
  const hint =
    kind === "wiki"
      ? "La page lui est signalée « à revoir » passé sa date de révision. Le changement est inscrit au journal du réseau."
      : "Un membre actif du CCAS auteur de la fiche, qui en répond dans le réseau. Le changement est inscrit au journal du réseau.";
  const { current, candidates } = owners;
  // The current responsible stays selectable (unchanged) even when no longer an active member.
  const currentMissing = !candidates.some((candidate) => candidate.userId === current.userId);
  return (
    <Field id={id} label={kind === "wiki" ? "Responsable de la page" : "Responsable de la fiche"} hint={hint} errors={errors}>
      <select id={id} name="ownerUserId" defaultValue={value} aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy(id, true, errors)}>
        {currentMissing ? <option value={current.userId ?? ""}>{current.userId ? `${current.name ?? "Ancien membre"} (plus membre actif)` : "Aucun responsable"}</option> : null}
        {candidates.map((candidate) => (
          <option key={candidate.userId} value={candidate.userId}>
            {candidate.name} — {candidate.organisationName}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function ThemeList({ themes }: { themes: string[] }) {
  if (themes.length === 0) return null;
  return (
    <ul className="tags" aria-label="Thèmes">
      {themes.map((theme) => (
        <li key={theme} className="badge">
          {theme}
        </li>
      ))}
    </ul>
  );
}

export function LegalReferenceList({ references }: { references: { code: string; article: string; url: string | null; effectiveOn: string | null }[] }) {
  if (references.length === 0) return null;
  return (
    <section aria-labelledby="references">
      <h2 id="references">Références juridiques</h2>
      <ul>
        {references.map((reference, index) => (
          <li key={index}>
            {reference.url ? (
              <a href={reference.url} rel="noopener noreferrer nofollow">
                {reference.code}, art. {reference.article}
              </a>
            ) : (
              <>
                {reference.code}, art. {reference.article}
              </>
            )}
            {reference.effectiveOn ? <span className="muted"> — en vigueur le {new Date(`${reference.effectiveOn}T12:00:00Z`).toLocaleDateString("fr-FR", { timeZone: "UTC" })}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function KnowledgeLinks({
  slug,
  backlinks,
  meetings,
}: {
  slug: string;
  backlinks: { id: string; kind: string; title: string }[];
  meetings: { meetingId: string; when: string; hostCommune: string; itemTitle: string; status: string }[];
}) {
  const pathOf = (kind: string) => (kind === "wiki" ? "veille" : kind === "practice" ? "fiches" : "notes");
  return (
    <div className="knowledge-links no-print">
      <section aria-labelledby="tables-rondes">
        <h2 id="tables-rondes">Tables rondes où elle a été discutée</h2>
        {meetings.length === 0 ? (
          <p className="muted">Pas encore inscrite à l'ordre du jour d'une table ronde.</p>
        ) : (
          <ul>
            {meetings.map((meeting) => (
              <li key={`${meeting.meetingId}-${meeting.itemTitle}`}>
                <Link to={`/reseaux/${slug}/tables-rondes/${meeting.meetingId}`}>
                  Table ronde du {meeting.when} à {meeting.hostCommune}
                </Link>{" "}
                <span className="muted">— « {meeting.itemTitle} » ({meeting.status})</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="retroliens">
        <h2 id="retroliens">Pages qui y renvoient</h2>
        {backlinks.length === 0 ? (
          <p className="muted">Aucune page ne renvoie ici pour l'instant (mentionnez-la avec « # » dans un texte).</p>
        ) : (
          <ul>
            {backlinks.map((link) => (
              <li key={link.id}>
                <Link to={`/reseaux/${slug}/${pathOf(link.kind)}/${link.id}`}>{link.title}</Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

export function ProposeToAgenda({ nextMeeting, message }: { nextMeeting: { when: string; hostCommune: string } | null; message?: { ok: boolean; text: string } }) {
  return (
    <section className="card no-print" aria-labelledby="proposer">
      <h2 id="proposer">Proposer à l'ordre du jour</h2>
      {message ? (
        <p className={message.ok ? "notice" : "form-error"} role={message.ok ? "status" : "alert"}>
          {message.text}
        </p>
      ) : null}
      {nextMeeting ? (
        <Form method="post">
          <input type="hidden" name="intent" value="propose" />
          <p>
            Ajoute un point à la table ronde du {nextMeeting.when} à {nextMeeting.hostCommune}, avec un lien vers cette page.
          </p>
          <div className="field">
            <label htmlFor="propose-kind">Type de point</label>
            <select id="propose-kind" name="kind" defaultValue="exchange">
              <option value="information">Information</option>
              <option value="exchange">Échange de pratiques</option>
              <option value="decision">Décision</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="propose-minutes">Durée estimée (minutes)</label>
            <input id="propose-minutes" name="estimatedMinutes" type="number" min={1} max={480} defaultValue={20} />
          </div>
          <button type="submit" className="button">
            Proposer à l'ordre du jour
          </button>
        </Form>
      ) : (
        <p className="muted">Aucune table ronde à venir n'accepte de proposition pour l'instant : la coordination doit d'abord en planifier une.</p>
      )}
    </section>
  );
}
