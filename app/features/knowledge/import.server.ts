import { Unzip, UnzipInflate, UnzipPassThrough } from "fflate";
import { fileTypeFromBuffer } from "file-type";
import mammoth from "mammoth";
import { inTransaction, type Executor } from "../../../db/client.ts";
import { authorize } from "../auth/guards.server.ts";
import type { Actor } from "../auth/permissions.ts";
import { markdownToHtml, sanitiseHtml } from "../documents/convert.server.ts";
import { createWatchPage, KnowledgeInputError } from "./knowledge.server.ts";
import { findOrCreateSection } from "./sections.server.ts";

/**
 * Importing existing knowledge (Word, Markdown, HTML; one file or a zip whose
 * folders become sections) into the watch wiki. Everything is read and
 * converted first, with hard limits against hostile archives; then the pages
 * are written in one transaction, so an import is whole or absent.
 */

export const IMPORT_LIMITS = {
  /** The uploaded file itself. */
  uploadBytes: 20 * 1024 * 1024,
  /** Entries in a zip, folders included. */
  zipEntries: 500,
  /** All entries of a zip once decompressed. */
  totalUncompressedBytes: 100 * 1024 * 1024,
  /** One entry once decompressed. */
  entryBytes: 20 * 1024 * 1024,
} as const;

export interface ImportRefusal {
  path: string;
  reason: string;
}

export interface ImportReport {
  imported: { path: string; title: string; id: string; section: string | null }[];
  refused: ImportRefusal[];
}

export class ImportRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportRefused";
  }
}

interface SourceFile {
  path: string;
  bytes: Uint8Array;
}

const SUPPORTED = "formats acceptés : .docx, .md, .html";

/** A zip's paths: relative, without "..", without drive letters; anything else makes the archive suspect. */
function isSafeEntryPath(name: string): boolean {
  if (name.includes("\\") || name.startsWith("/") || /^[a-zA-Z]:/.test(name) || name.includes("\0")) return false;
  return name.split("/").every((part) => part !== "..");
}

function isIgnoredEntry(name: string): boolean {
  return name.endsWith("/") || name.startsWith("__MACOSX/") || name.split("/").some((part) => part.startsWith("."));
}

/** The files of a zip, decompressed under the limits; a hostile archive is refused as a whole. */
export async function readZip(bytes: Uint8Array): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  let entries = 0;
  let total = 0;
  let failure: string | null = null;
  const unzip = new Unzip((entry) => {
    if (failure) return;
    entries += 1;
    if (entries > IMPORT_LIMITS.zipEntries) {
      failure = `L'archive contient plus de ${IMPORT_LIMITS.zipEntries} fichiers : découpez-la en plusieurs imports.`;
      return;
    }
    if (!isSafeEntryPath(entry.name)) {
      failure = `L'archive contient un chemin dangereux (« ${entry.name.slice(0, 120)} ») : import refusé.`;
      return;
    }
    if (isIgnoredEntry(entry.name)) return;
    const chunks: Uint8Array[] = [];
    let size = 0;
    entry.ondata = (error, chunk, final) => {
      if (failure) return;
      if (error) {
        failure = `L'archive est endommagée (« ${entry.name.slice(0, 120)} ») : import refusé.`;
        return;
      }
      size += chunk.byteLength;
      total += chunk.byteLength;
      // Counted on the bytes actually produced: the sizes an archive declares can lie.
      if (size > IMPORT_LIMITS.entryBytes || total > IMPORT_LIMITS.totalUncompressedBytes) {
        failure = "L'archive est trop volumineuse une fois décompressée (100 Mo au plus, 20 Mo par fichier) : import refusé.";
        entry.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) files.push({ path: entry.name, bytes: concat(chunks, size) });
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  try {
    // Fed in slices so that a bomb is stopped after a slice, not after inflating everything;
    // yielding between slices keeps the server answering others meanwhile.
    const slice = 64 * 1024;
    for (let offset = 0; offset < bytes.byteLength && !failure; offset += slice) {
      unzip.push(bytes.subarray(offset, Math.min(offset + slice, bytes.byteLength)), offset + slice >= bytes.byteLength);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch {
    failure ??= "L'archive zip est illisible ou endommagée : import refusé.";
  }
  if (failure) throw new ImportRefused(failure);
  return files;
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function decodeUtf8(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return null;
  }
}

const extensionOf = (path: string) => (path.match(/\.([a-z0-9]+)$/i)?.[1] ?? "").toLowerCase();
const baseName = (path: string) => path.split("/").pop() ?? path;
const withoutExtension = (name: string) => name.replace(/\.[a-z0-9]+$/i, "");

/** The page title: the document's first main heading, else its file name; the heading then leaves the body. */
function titleAndBody(html: string, path: string): { title: string; html: string } {
  const heading = html.match(/^\s*<h1[^>]*>([\s\S]*?)<\/h1>/i);
  const fromHeading = heading ? sanitiseHtml(heading[1]!).replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&nbsp;/g, " ").trim() : "";
  if (fromHeading.length >= 3) return { title: fromHeading.slice(0, 160), html: html.slice(heading![0].length) };
  const fromName = withoutExtension(baseName(path)).replace(/[_]+/g, " ").trim();
  return { title: (fromName.length >= 3 ? fromName : `Document importé ${fromName}`).slice(0, 160), html };
}

export interface ConvertedFile {
  path: string;
  title: string;
  html: string;
  folders: string[];
}

/** One file to sanitised HTML and a title, or a French reason to refuse it. */
export async function convertFile(file: SourceFile): Promise<{ ok: true; value: ConvertedFile } | { ok: false; reason: string }> {
  const extension = extensionOf(file.path);
  const folders = file.path.split("/").slice(0, -1).map((folder) => folder.trim()).filter(Boolean).map((folder) => folder.slice(0, 120));
  if (file.bytes.byteLength === 0) return { ok: false, reason: "Fichier vide." };
  let html: string;
  if (extension === "docx") {
    const detected = await fileTypeFromBuffer(file.bytes);
    if (detected?.ext !== "docx") return { ok: false, reason: "Ce fichier .docx n'est pas un document Word valide." };
    try {
      const result = await mammoth.convertToHtml({ buffer: Buffer.from(file.bytes) });
      html = result.value;
    } catch {
      return { ok: false, reason: "Ce fichier .docx n'est pas un document Word valide." };
    }
  } else if (extension === "md" || extension === "markdown" || extension === "html" || extension === "htm") {
    const text = decodeUtf8(file.bytes);
    if (text === null) return { ok: false, reason: "Ce fichier n'est pas du texte encodé en UTF-8." };
    html = extension === "html" || extension === "htm" ? extractBody(text) : markdownToHtml(text);
  } else {
    return { ok: false, reason: `Format non pris en charge (${SUPPORTED}).` };
  }
  const { title, html: rawBody } = titleAndBody(html, file.path);
  return { ok: true, value: { path: file.path, title, html: sanitiseHtml(rawBody), folders } };
}

/** An HTML page's title (as first heading when it has none) and body. */
function extractBody(page: string): string {
  const body = page.match(/<body[^>]*>([\s\S]*)<\/body>/i)?.[1] ?? page;
  const title = page.match(/<title[^>]*>([\s\S]*?)<\/title>/i)?.[1]?.trim();
  return title && !/<h1[\s>]/i.test(body) ? `<h1>${title}</h1>${body}` : body;
}

export type ImportProgress = (step: { done: number; total: number; path: string }) => void;

/**
 * Imports one uploaded file (a document or a zip) into the network's wiki,
 * under `parentSectionId` if given. Throws `ImportRefused` for an archive that
 * is refused as a whole; files refused one by one are in the report.
 */
export async function importIntoWiki(
  db: Executor,
  actor: Actor,
  input: { networkId: string; fileName: string; bytes: Uint8Array; parentSectionId?: string | null; onProgress?: ImportProgress },
): Promise<ImportReport> {
  authorize(actor, { action: "document.create", networkId: input.networkId });
  authorize(actor, { action: "wikiSection.create", networkId: input.networkId });
  if (input.bytes.byteLength > IMPORT_LIMITS.uploadBytes) throw new ImportRefused("Le fichier dépasse 20 Mo : découpez l'import.");
  const isZip = extensionOf(input.fileName) === "zip";
  if (isZip && (await fileTypeFromBuffer(input.bytes))?.ext !== "zip") throw new ImportRefused("Ce fichier .zip n'est pas une archive zip valide.");
  const sources = isZip ? await readZip(input.bytes) : [{ path: baseName(input.fileName), bytes: input.bytes }];
  if (sources.length === 0) throw new ImportRefused("L'archive ne contient aucun fichier à importer.");

  const refused: ImportRefusal[] = [];
  const converted: ConvertedFile[] = [];
  for (const [index, source] of sources.entries()) {
    const outcome = await convertFile(source);
    if (outcome.ok) converted.push(outcome.value);
    else refused.push({ path: source.path, reason: outcome.reason });
    input.onProgress?.({ done: index + 1, total: sources.length, path: source.path });
  }

  const imported: ImportReport["imported"] = [];
  await inTransaction(db, async (tx) => {
    for (const file of converted) {
      let sectionId = input.parentSectionId ?? null;
      for (const folder of file.folders) sectionId = await findOrCreateSection(tx, actor, input.networkId, folder, sectionId);
      try {
        const page = await createWatchPage(tx, actor, {
          networkId: input.networkId,
          title: file.title,
          sectionId,
          content: { body: file.html, format: "html" },
        });
        imported.push({ path: file.path, title: file.title, id: page.id, section: file.folders.join(" › ") || null });
      } catch (error) {
        // Checked before anything is written, so the transaction stays usable.
        if (error instanceof KnowledgeInputError) refused.push({ path: file.path, reason: error.message });
        else throw error;
      }
    }
  });
  return { imported, refused };
}

export type ImportOutcome = { ok: true; report: ImportReport } | { ok: false; message: string };

/** The import form's upload, read under the size limit, imported; every refusal is a French message. */
export async function importUpload(
  db: Executor,
  actor: Actor,
  networkId: string,
  formData: FormData,
  onProgress?: ImportProgress,
): Promise<ImportOutcome> {
  const file = formData.get("file");
  if (!(file instanceof Blob) || file.size === 0) return { ok: false, message: "Choisissez un fichier à importer (.docx, .md, .html ou .zip)." };
  const fileName = "name" in file && typeof file.name === "string" ? file.name : "import";
  const sectionId = formData.get("sectionId");
  try {
    const report = await importIntoWiki(db, actor, {
      networkId,
      fileName,
      bytes: new Uint8Array(await file.arrayBuffer()),
      parentSectionId: typeof sectionId === "string" && /^[0-9a-f-]{36}$/i.test(sectionId) ? sectionId : null,
      onProgress,
    });
    return { ok: true, report };
  } catch (error) {
    if (error instanceof ImportRefused || error instanceof KnowledgeInputError) return { ok: false, message: error.message };
    throw error;
  }
}

export const tooLargeMessage = "Le fichier dépasse 20 Mo : découpez l'import en plusieurs archives.";
