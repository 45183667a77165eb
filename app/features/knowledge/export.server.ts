import { zipSync, type Zippable } from "fflate";
import type { Executor } from "../../../db/client.ts";
import { notFound } from "../auth/guards.server.ts";
import type { Actor } from "../auth/permissions.ts";
import { getKnowledge, listKnowledge, listSections, type KnowledgeDetail } from "./read.server.ts";

/** Exports of a page or note (Markdown or standalone HTML) and of a whole wiki section (zip, subsections as folders). */

export type ExportFormat = "md" | "html";

export function parseExportFormat(value: string | null): ExportFormat | null {
  return value === "md" || value === "html" ? value : null;
}

/** A file name readable on every system, from a title. */
export function fileNameFor(title: string): string {
  const name = title
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .replace(/[^a-zA-Z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase()
    .slice(0, 80);
  return name || "page";
}

const escapeHtml = (value: string) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function referencesMarkdown(document: KnowledgeDetail): string {
  if (document.legalReferences.length === 0) return "";
  const lines = document.legalReferences.map((reference) => {
    const label = `${reference.code}, art. ${reference.article}`;
    return `- ${reference.url ? `[${label}](${reference.url})` : label}${reference.effectiveOn ? ` (en vigueur le ${reference.effectiveOn})` : ""}`;
  });
  return `\n\n## Références juridiques\n\n${lines.join("\n")}\n`;
}

export function documentAsMarkdown(document: KnowledgeDetail): string {
  const facts = [
    document.themes.length ? `Thèmes : ${document.themes.join(", ")}` : null,
    document.organisationName ? `CCAS : ${document.organisationName}` : null,
    document.reviewOn ? `À revoir le : ${document.reviewOn}` : null,
  ].filter(Boolean);
  return `# ${document.title}\n\n${facts.length ? `${facts.map((fact) => `*${fact}*`).join("  \n")}\n\n` : ""}${document.markdown.trim()}${referencesMarkdown(document)}\n`;
}

export function documentAsHtml(document: KnowledgeDetail): string {
  const references = document.legalReferences
    .map((reference) => {
      const label = escapeHtml(`${reference.code}, art. ${reference.article}`);
      return `<li>${reference.url ? `<a href="${escapeHtml(reference.url)}">${label}</a>` : label}${reference.effectiveOn ? ` (en vigueur le ${reference.effectiveOn})` : ""}</li>`;
    })
    .join("");
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>${escapeHtml(document.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.25rem .5rem}@media print{body{margin:0}}</style>
</head>
<body>
<h1>${escapeHtml(document.title)}</h1>
${document.themes.length ? `<p><em>Thèmes : ${escapeHtml(document.themes.join(", "))}</em></p>` : ""}
${document.html}
${references ? `<h2>Références juridiques</h2><ul>${references}</ul>` : ""}
</body>
</html>
`;
}

export async function exportDocument(db: Executor, actor: Actor, networkId: string, documentId: string, kind: "wiki" | "practice", format: ExportFormat) {
  const document = await getKnowledge(db, actor, documentId, kind);
  if (document.networkId !== networkId) throw notFound();
  return format === "md"
    ? { fileName: `${fileNameFor(document.title)}.md`, contentType: "text/markdown; charset=utf-8", body: documentAsMarkdown(document) }
    : { fileName: `${fileNameFor(document.title)}.html`, contentType: "text/html; charset=utf-8", body: documentAsHtml(document) };
}

/** A section, its pages and its subsections' pages, as a zip with one folder per subsection. */
export async function exportSection(db: Executor, actor: Actor, networkId: string, sectionId: string, format: ExportFormat) {
  const sections = await listSections(db, networkId);
  const root = sections.find((section) => section.id === sectionId);
  if (!root) throw notFound();
  const folderOf = new Map<string, string>([[root.id, ""]]);
  // Breadth-first from the root, so that each section's parent folder is known first.
  const queue = [root.id];
  while (queue.length) {
    const parentId = queue.shift()!;
    for (const child of sections.filter((section) => section.parentId === parentId)) {
      folderOf.set(child.id, `${folderOf.get(parentId)}${fileNameFor(child.title)}/`);
      queue.push(child.id);
    }
  }
  const pages = (await listKnowledge(db, actor, networkId, "wiki")).filter((page) => page.sectionId && folderOf.has(page.sectionId));
  const files: Zippable = {};
  const encoder = new TextEncoder();
  for (const page of pages) {
    const document = await getKnowledge(db, actor, page.id, "wiki");
    let path = `${folderOf.get(page.sectionId!)}${fileNameFor(document.title)}`;
    while (files[`${path}.${format}`]) path += "-bis";
    files[`${path}.${format}`] = encoder.encode(format === "md" ? documentAsMarkdown(document) : documentAsHtml(document));
  }
  return { fileName: `${fileNameFor(root.title)}-${format === "md" ? "markdown" : "html"}.zip`, body: zipSync(files, { level: 6 }) };
}
