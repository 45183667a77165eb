import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect } from "react";
import { SectionOptions } from "../components/section-options.tsx";
import { useLastActionData } from "../components/use-last-action-data.ts";
import { can } from "../features/auth/permissions.ts";
import { attempt, readPayload } from "../features/knowledge/forms.server.ts";
import { createWatchPage, KnowledgeInputError, todayIn } from "../features/knowledge/knowledge.server.ts";
import { listKnowledge, listSections } from "../features/knowledge/read.server.ts";
import { moveSectionSchema, renameSectionSchema, sectionSchema } from "../features/knowledge/schemas.ts";
import { createSection, filePage, flattenSections, moveSection, movePage, renameSection } from "../features/knowledge/sections.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { readForm } from "../http/forms.server.ts";
import { formatDate } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Veille réglementaire — Tablée" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const today = await todayIn(context.db, network.id);
  const [pages, sections] = await Promise.all([listKnowledge(context.db, actor, network.id, "wiki"), listSections(context.db, network.id)]);
  const view = (page: (typeof pages)[number]) => ({
    id: page.id,
    title: page.title,
    themes: page.themes,
    reviewDue: page.reviewOn !== null && page.reviewOn < today,
    reviewOn: page.reviewOn ? formatDate(`${page.reviewOn}T12:00:00Z`) : null,
  });
  return {
    slug: network.slug,
    canManageSections: can(actor, { action: "wikiSection.manage", networkId: network.id }),
    canArrangePages: can(actor, { action: "wikiPage.arrange", networkId: network.id }),
    toReview: pages.filter((page) => page.ownerUserId === actor.userId && page.reviewOn !== null && page.reviewOn < today).map(view),
    sections: flattenSections(sections).map((section) => ({
      id: section.id,
      title: section.title,
      depth: section.depth,
      pages: pages.filter((page) => page.sectionId === section.id).map(view),
    })),
    unfiled: pages.filter((page) => !page.sectionId || !sections.some((section) => section.id === page.sectionId)).map(view),
    pageCount: pages.length,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const formData = await readForm(request);
  const intent = formData.get("intent");
  if (intent === "section") {
    const parsed = sectionSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { kind: "section", ok: false, errors: { title: parsed.error.issues.map((issue) => issue.message) }, payload: Object.fromEntries(formData) } as const;
    try {
      await createSection(context.db, actor, { networkId: network.id, ...parsed.data });
    } catch (error) {
      if (error instanceof KnowledgeInputError) return { kind: "section", ok: false, errors: error.fieldErrors, payload: Object.fromEntries(formData) } as const;
      throw error;
    }
    return { kind: "section", ok: true, message: `Section « ${parsed.data.title} » créée.` } as const;
  }
  if (intent === "rename-section") {
    const parsed = renameSectionSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { kind: "rename", ok: false, message: parsed.error.issues[0]?.message ?? "Nom invalide." } as const;
    await renameSection(context.db, actor, { networkId: network.id, ...parsed.data });
    return { kind: "rename", ok: true, message: `Section renommée en « ${parsed.data.title} ».` } as const;
  }
  if (intent === "move-section") {
    const parsed = moveSectionSchema.safeParse(Object.fromEntries(formData));
    if (parsed.success) await moveSection(context.db, actor, { networkId: network.id, ...parsed.data });
    return { kind: "move", ok: true } as const;
  }
  if (intent === "move-page") {
    const fields = Object.fromEntries(formData);
    const outcome = await attempt(fields, () => movePage(context.db, actor, network.id, fields));
    if (!outcome.ok) return { kind: "arrange", ok: false, documentId: null, message: Object.values(outcome.errors).flat()[0] ?? "Déplacement impossible." } as const;
    const { title, sectionTitle, position, count } = outcome.value;
    return {
      kind: "arrange",
      ok: true,
      documentId: String(fields.documentId),
      focus: `page-${String(fields.direction)}-${String(fields.documentId)}`,
      message: `« ${title} » est en position ${position} sur ${count} ${sectionTitle ? `dans la section « ${sectionTitle} »` : "parmi les pages sans section"}.`,
    } as const;
  }
  if (intent === "file-page") {
    const fields = Object.fromEntries(formData);
    const outcome = await attempt(fields, () => filePage(context.db, actor, network.id, fields));
    if (!outcome.ok) {
      return { kind: "file", ok: false, documentId: typeof fields.documentId === "string" ? fields.documentId : null, errors: outcome.errors } as const;
    }
    const { title, sectionTitle } = outcome.value;
    return {
      kind: "arrange",
      ok: true,
      documentId: String(fields.documentId),
      focus: `page-up-${String(fields.documentId)}`,
      message: sectionTitle ? `« ${title} » est rangée à la fin de la section « ${sectionTitle} ».` : `« ${title} » est rangée parmi les pages sans section.`,
    } as const;
  }
  const payload = readPayload(formData);
  const outcome = await attempt(payload, () =>
    createWatchPage(context.db, actor, { networkId: network.id, title: String(payload.title ?? ""), sectionId: (payload.sectionId as string) || null }),
  );
  if (!outcome.ok) return { kind: "page", ...outcome } as const;
  throw redirect(`/reseaux/${network.slug}/veille/${outcome.value.id}`);
}

type PageView = { id: string; title: string; themes: string[]; reviewDue: boolean; reviewOn: string | null };
type SectionChoice = { id: string; title: string; depth: number };
type ActionData = ReturnType<typeof useActionData<typeof action>>;

/** A section's pages; for the coordinators, each with its buttons to reorder it and a form to file it elsewhere. */
function PageList({ pages, label, arrange }: { pages: PageView[]; label: string; arrange?: { sectionId: string | null; sections: SectionChoice[]; result: ActionData } }) {
  if (pages.length === 0) return <p className="muted">Aucune page dans cette section.</p>;
  return (
    <ul className="search-results" aria-label={label}>
      {pages.map((page, index) => (
        <li key={page.id}>
          <Link to={page.id}>{page.title}</Link>
          <span className="muted">
            {page.themes.join(", ")}
            {page.reviewDue ? (
              <>
                {" "}
                <span className="badge badge--carried">à revoir</span>
              </>
            ) : null}
          </span>
          {arrange ? <ArrangePage page={page} first={index === 0} last={index === pages.length - 1} {...arrange} /> : null}
        </li>
      ))}
    </ul>
  );
}

function MovePageButton({ page, direction, disabled }: { page: PageView; direction: "up" | "down"; disabled: boolean }) {
  return (
    <Form method="post" className="inline-form" preventScrollReset>
      <input type="hidden" name="intent" value="move-page" />
      <input type="hidden" name="documentId" value={page.id} />
      <input type="hidden" name="direction" value={direction} />
      {/* aria-disabled rather than disabled: the button keeps the focus when its page reaches the top or the bottom. */}
      <button
        type="submit"
        id={`page-${direction}-${page.id}`}
        className="button button--secondary button--small"
        aria-disabled={disabled || undefined}
        onClick={disabled ? (event) => event.preventDefault() : undefined}
      >
        {direction === "up" ? "Monter" : "Descendre"}
        <span className="visually-hidden"> la page « {page.title} »</span>
      </button>
    </Form>
  );
}

function ArrangePage({ page, first, last, sectionId, sections, result }: {
  page: PageView;
  first: boolean;
  last: boolean;
  sectionId: string | null;
  sections: SectionChoice[];
  result: ActionData;
}) {
  const failed = result?.kind === "file" && !result.ok && result.documentId === page.id ? result.errors : undefined;
  const error = failed ? Object.values(failed).flat().join(" ") : undefined;
  const id = `file-${page.id}`;
  return (
    <div className="page-arrange no-print">
      <MovePageButton page={page} direction="up" disabled={first} />
      <MovePageButton page={page} direction="down" disabled={last} />
      <details open={Boolean(failed)}>
        <summary>
          Changer de section<span className="visually-hidden"> : « {page.title} »</span>
        </summary>
        <Form method="post" className="actions" preventScrollReset>
          <input type="hidden" name="intent" value="file-page" />
          <input type="hidden" name="documentId" value={page.id} />
          <div className="field">
            <label htmlFor={id}>Ranger « {page.title} » dans</label>
            <select id={id} name="sectionId" defaultValue={sectionId ?? ""} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
              <option value="">Sans section</option>
              <SectionOptions sections={sections} />
            </select>
            <p className="field-error" id={`${id}-error`} hidden={!error}>
              {error}
            </p>
          </div>
          <button type="submit" className="button button--secondary">
            Déplacer<span className="visually-hidden"> « {page.title} »</span>
          </button>
        </Form>
      </details>
    </div>
  );
}

export default function WatchWiki() {
  const data = useLoaderData<typeof loader>();
  const result = useLastActionData<typeof action>();
  const arranged = result?.kind === "arrange" ? result : undefined;
  // Moving a page re-orders its list, and a moved node loses the focus: put the keyboard back on the button pressed.
  useEffect(() => {
    const lost = !document.activeElement || document.activeElement === document.body;
    if (arranged?.ok && arranged.focus && lost) document.getElementById(arranged.focus)?.focus();
  }, [arranged, data.sections, data.unfiled]);
  const arrange = (sectionId: string | null) => (data.canArrangePages ? { sectionId, sections: data.sections, result } : undefined);
  const pageErrors = result?.kind === "page" && !result.ok ? result.errors : undefined;
  const sectionErrors = result?.kind === "section" && !result.ok ? result.errors : undefined;
  return (
    <>
      <h1>Veille réglementaire</h1>
      <p>La veille juridique et sociale du réseau : textes, dates d'effet, références officielles, organisée en sections.</p>
      {result?.kind === "rename" || result?.kind === "arrange" ? (
        <p className={result.ok ? "notice" : "form-error"} role={result.ok ? "status" : "alert"}>
          {result.message}
        </p>
      ) : null}
      <p className="actions">
        <Link to="importer" className="button button--secondary">
          Importer des documents (Word, Markdown, HTML, zip)
        </Link>
      </p>
      {data.toReview.length > 0 ? (
        <section className="warning" aria-labelledby="a-revoir">
          <h2 id="a-revoir">Vos pages à revoir</h2>
          <PageList pages={data.toReview} label="Vos pages à revoir" />
        </section>
      ) : null}
      <section className="card" aria-labelledby="nouvelle-page">
        <h2 id="nouvelle-page">Nouvelle page</h2>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="page" />
          {pageErrors?.form ? <p className="form-error" role="alert">{pageErrors.form.join(" ")}</p> : null}
          <div className="field">
            <label htmlFor="page-title">Titre</label>
            <input
              id="page-title"
              name="title"
              defaultValue={result?.kind === "page" && !result.ok ? String(result.payload.title ?? "") : ""}
              aria-invalid={pageErrors?.title ? true : undefined}
              aria-describedby={pageErrors?.title ? "page-title-error" : undefined}
            />
            <p className="field-error" id="page-title-error" hidden={!pageErrors?.title}>
              {pageErrors?.title?.join(" ")}
            </p>
          </div>
          <div className="field">
            <label htmlFor="page-section">Section</label>
            <select id="page-section" name="sectionId" defaultValue="">
              <option value="">Sans section</option>
              <SectionOptions sections={data.sections} />
            </select>
          </div>
          <button type="submit" className="button">
            Créer la page
          </button>
        </Form>
      </section>
      {data.pageCount === 0 ? (
        <div className="empty-state">
          <h2>Aucune page de veille pour l'instant</h2>
          <p>Créez la première page ou importez vos notes existantes (Word, Markdown, HTML).</p>
        </div>
      ) : null}
      {data.sections.map((section, index) => (
        <section key={section.id} className="wiki-section" style={{ marginLeft: `${Math.min(section.depth, 4)}rem` }} aria-labelledby={`section-${section.id}`}>
          <h2 id={`section-${section.id}`}>{section.title}</h2>
          <div className="actions no-print">
            <a href={`/reseaux/${data.slug}/veille/export?section=${section.id}&format=md`}>Exporter la section (Markdown, zip)</a>
            <a href={`/reseaux/${data.slug}/veille/export?section=${section.id}&format=html`}>Exporter la section (HTML, zip)</a>
            {data.canManageSections ? (
              <>
                <Form method="post">
                  <input type="hidden" name="intent" value="move-section" />
                  <input type="hidden" name="sectionId" value={section.id} />
                  <input type="hidden" name="direction" value="up" />
                  <button type="submit" className="button button--secondary" disabled={index === 0}>
                    Monter<span className="visually-hidden"> la section « {section.title} »</span>
                  </button>
                </Form>
                <Form method="post">
                  <input type="hidden" name="intent" value="move-section" />
                  <input type="hidden" name="sectionId" value={section.id} />
                  <input type="hidden" name="direction" value="down" />
                  <button type="submit" className="button button--secondary">
                    Descendre<span className="visually-hidden"> la section « {section.title} »</span>
                  </button>
                </Form>
              </>
            ) : null}
          </div>
          {data.canManageSections ? (
            <details className="no-print">
              <summary>
                Renommer<span className="visually-hidden"> la section « {section.title} »</span>
              </summary>
              <Form method="post" className="actions">
                <input type="hidden" name="intent" value="rename-section" />
                <input type="hidden" name="sectionId" value={section.id} />
                <label htmlFor={`rename-${section.id}`}>Nouveau nom</label>
                <input id={`rename-${section.id}`} name="title" defaultValue={section.title} />
                <button type="submit" className="button button--secondary">
                  Renommer
                </button>
              </Form>
            </details>
          ) : null}
          <PageList pages={section.pages} label={`Pages de la section ${section.title}`} arrange={arrange(section.id)} />
        </section>
      ))}
      {data.unfiled.length > 0 ? (
        <section aria-labelledby="sans-section">
          <h2 id="sans-section">Pages sans section</h2>
          <PageList pages={data.unfiled} label="Pages sans section" arrange={arrange(null)} />
        </section>
      ) : null}
      <section className="card" aria-labelledby="nouvelle-section">
        <h2 id="nouvelle-section">Nouvelle section</h2>
        {result?.kind === "section" && result.ok ? (
          <p className="notice" role="status">
            {result.message}
          </p>
        ) : null}
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="section" />
          <div className="field">
            <label htmlFor="section-title">Nom de la section</label>
            <input id="section-title" name="title" aria-invalid={sectionErrors?.title ? true : undefined} aria-describedby={sectionErrors?.title ? "section-title-error" : undefined} />
            <p className="field-error" id="section-title-error" hidden={!sectionErrors?.title}>
              {sectionErrors?.title?.join(" ")}
            </p>
          </div>
          <div className="field">
            <label htmlFor="section-parent">Dans la section</label>
            <select id="section-parent" name="parentId" defaultValue="">
              <option value="">(premier niveau)</option>
              <SectionOptions sections={data.sections} />
            </select>
          </div>
          <button type="submit" className="button button--secondary">
            Créer la section
          </button>
        </Form>
      </section>
    </>
  );
}
