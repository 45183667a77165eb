import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useState, type FormEvent } from "react";
import { SectionOptions } from "../components/section-options.tsx";
import { requireSession } from "../features/auth/guards.server.ts";
import { readUpload } from "../http/uploads.server.ts";
import { IMPORT_LIMITS, importUpload, tooLargeMessage, type ImportOutcome } from "../features/knowledge/import.server.ts";
import { listSections } from "../features/knowledge/read.server.ts";
import { flattenSections } from "../features/knowledge/sections.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";

export const meta: MetaFunction = () => [{ title: "Importer dans la veille — Tablée" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network } = await requireNetworkMember(context, request, params.slug);
  const sections = flattenSections(await listSections(context.db, network.id));
  return { slug: network.slug, sections: sections.map(({ id, title, depth }) => ({ id, title, depth })) };
}

/** Without script: the same import, answered with the report once done. */
export async function action({ request, params, context }: ActionFunctionArgs): Promise<ImportOutcome> {
  // Signed-in users only may upload; the upload is read before a refusal is sent, which would otherwise reset the connection.
  requireSession(context, request);
  const upload = await readUpload(request, IMPORT_LIMITS.uploadBytes);
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  if (!upload.ok) return { ok: false, message: upload.tooLarge ? tooLargeMessage : "Envoi illisible : réessayez." };
  return importUpload(context.db, actor, network.id, upload.formData);
}

type Progress = { phase: "upload"; percent: number } | { phase: "convert"; done: number; total: number; path: string };

function Report({ outcome, slug }: { outcome: ImportOutcome; slug: string }) {
  if (!outcome.ok) {
    return (
      <p className="form-error" role="alert">
        {outcome.message}
      </p>
    );
  }
  const { imported, refused } = outcome.report;
  return (
    <section className="card import-report" aria-labelledby="rapport" role="status">
      <h2 id="rapport">Rapport d'import</h2>
      <p>
        {imported.length} document{imported.length > 1 ? "s" : ""} importé{imported.length > 1 ? "s" : ""}, {refused.length} refusé
        {refused.length > 1 ? "s" : ""}.
      </p>
      {imported.length > 0 ? (
        <>
          <h3>Importés</h3>
          <ul>
            {imported.map((page) => (
              <li key={page.id}>
                <Link to={`/reseaux/${slug}/veille/${page.id}`}>{page.title}</Link>
                <span className="muted">
                  {" "}
                  — {page.path}
                  {page.section ? ` (section ${page.section})` : ""}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {refused.length > 0 ? (
        <>
          <h3>Refusés</h3>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Fichier</th>
                  <th scope="col">Raison</th>
                </tr>
              </thead>
              <tbody>
                {refused.map((file) => (
                  <tr key={file.path}>
                    <td>{file.path}</td>
                    <td>{file.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}

export default function ImportPage() {
  const { slug, sections } = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  const [progress, setProgress] = useState<Progress | null>(null);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);

  // With script: send through XMLHttpRequest to show real upload progress, then the server's per-file progress.
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setOutcome(null);
    setProgress({ phase: "upload", percent: 0 });
    const request = new XMLHttpRequest();
    request.open("POST", `/reseaux/${slug}/veille/importer/progression`);
    request.upload.onprogress = (progressEvent) => {
      if (progressEvent.lengthComputable) setProgress({ phase: "upload", percent: Math.round((progressEvent.loaded / progressEvent.total) * 100) });
    };
    let read = 0;
    const readLines = () => {
      const text = request.responseText;
      const end = text.lastIndexOf("\n");
      if (end < read) return;
      for (const line of text.slice(read, end).split("\n")) {
        if (!line.trim()) continue;
        const message = JSON.parse(line) as { progress?: { done: number; total: number; path: string }; outcome?: ImportOutcome };
        if (message.progress) setProgress({ phase: "convert", ...message.progress });
        if (message.outcome) {
          setOutcome(message.outcome);
          setProgress(null);
        }
      }
      read = end + 1;
    };
    request.onprogress = readLines;
    request.onload = () => {
      if (request.status >= 400) {
        setProgress(null);
        setOutcome({ ok: false, message: "L'import a été refusé : rechargez la page et réessayez." });
        return;
      }
      readLines();
    };
    request.onerror = () => {
      setProgress(null);
      setOutcome({ ok: false, message: "La connexion a été interrompue : rien n'a été importé. Réessayez." });
    };
    request.send(new FormData(form));
  }

  const shown = outcome ?? posted ?? null;
  return (
    <>
      <nav className="breadcrumb" aria-label="Fil d'Ariane">
        <ol>
          <li>
            <Link to={`/reseaux/${slug}/veille`}>Veille réglementaire</Link>
          </li>
          <li aria-current="page">Importer</li>
        </ol>
      </nav>
      <h1>Importer des documents dans la veille</h1>
      <p>
        Un document Word (.docx), Markdown (.md) ou HTML, ou une archive .zip de plusieurs documents : chaque dossier de l'archive devient une
        section. Le titre de chaque page est le premier titre du document, ou à défaut son nom de fichier.
      </p>
      <p className="hint">
        Limites : 20 Mo par envoi, 500 fichiers par archive, 100 Mo une fois décompressée. Si l'archive est refusée, rien n'est importé.
      </p>
      <form method="post" encType="multipart/form-data" onSubmit={submit} className="card">
        <div className="field">
          <label htmlFor="import-file">Fichier à importer</label>
          <input id="import-file" name="file" type="file" accept=".docx,.md,.markdown,.html,.htm,.zip" required />
        </div>
        <div className="field">
          <label htmlFor="import-section">Importer dans la section</label>
          <select id="import-section" name="sectionId" defaultValue="">
            <option value="">(premier niveau de la veille)</option>
            <SectionOptions sections={sections} />
          </select>
        </div>
        <button type="submit" className="button" disabled={progress !== null}>
          Importer
        </button>
      </form>
      <div aria-live="polite">
        {progress ? (
          <div className="card">
            <label htmlFor="import-progress">
              {progress.phase === "upload"
                ? `Envoi du fichier : ${progress.percent} %`
                : `Conversion : ${progress.done} fichier${progress.done > 1 ? "s" : ""} sur ${progress.total} (${progress.path})`}
            </label>
            <progress
              id="import-progress"
              className="import-progress"
              max={100}
              value={progress.phase === "upload" ? progress.percent : Math.round((progress.done / progress.total) * 100)}
            />
          </div>
        ) : null}
      </div>
      {shown ? <Report outcome={shown} slug={slug} /> : null}
    </>
  );
}
