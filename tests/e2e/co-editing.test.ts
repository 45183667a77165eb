import { prosemirrorJSONToYXmlFragment } from "@tiptap/y-tiptap";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import * as Y from "yjs";
import { createDocument } from "../../app/features/documents/documents.server.ts";
import { appendUpdate } from "../../app/features/documents/persistence.server.ts";
import { documentSchema, FRAGMENT } from "../../app/features/documents/render.server.ts";
import {
  cspViolations,
  expectAccessible,
  expectCleanConsole,
  launchBrowser,
  openTab,
  signIn,
  VAL_PARISIS_SLUG,
  visit,
  waitForHeading,
  type BrowserTab,
} from "../support/browser.ts";
import { decodeHtml, ERMONT, loadDemoNetworks, orgId, userIdOf, type DemoNetwork } from "../support/fixtures.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/**
 * The co-editing page in Chromium: two people typing in the same note, the
 * offline path, the reader's view, the toolbar from the keyboard, and the
 * accessibility and CSP of the editor pages.
 */

let app: TestApp;
let browser: Browser;
let valParisis: DemoNetwork;

const CLAIRE = { email: "coordination@valparisis.demo.tablee.fr", name: "Claire Coordinatrice" };
const SOPHIE = { email: "agent@ccas-franconville.demo.tablee.fr", name: "Sophie Petit" };
const AMINE = { email: "agent@ccas-ermont.demo.tablee.fr", name: "Amine Benali" };
const OFFLINE = "Hors ligne — vos modifications seront envoyées au retour";

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp({ realtime: { compactAfterQuietMs: 200 } }), launchBrowser()]);
  ({ valParisis } = await loadDemoNetworks(app.database.db));
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A document with some content already stored, as if written in an earlier session. */
async function makeDocument(input: { kind: "note" | "practice"; title: string; ownerOrganisationId?: string; paragraphs?: string[]; table?: boolean }) {
  const document = await createDocument(app.database.db, {
    networkId: valParisis.id,
    kind: input.kind,
    title: input.title,
    ownerOrganisationId: input.ownerOrganisationId ?? null,
    createdBy: await userIdOf(app.database.db, CLAIRE.email),
  });
  const content: unknown[] = [
    { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Ordre du jour" }] },
    ...(input.paragraphs ?? ["Premier point", "Second point"]).map((text) => ({ type: "paragraph", content: [{ type: "text", text }] })),
  ];
  if (input.table) {
    const row = (cell: "tableHeader" | "tableCell", texts: string[]) => ({
      type: "tableRow",
      content: texts.map((text) => ({ type: cell, content: [{ type: "paragraph", content: [{ type: "text", text }] }] })),
    });
    content.push({ type: "table", content: [row("tableHeader", ["Commune", "Places"]), row("tableCell", ["Ermont", "12"])] });
  }
  const doc = new Y.Doc();
  prosemirrorJSONToYXmlFragment(documentSchema, { type: "doc", content }, doc.getXmlFragment(FRAGMENT));
  await appendUpdate(app.database.db, document.id, Y.encodeStateAsUpdate(doc), null);
  doc.destroy();
  return { id: document.id, title: document.title, path: `/reseaux/${VAL_PARISIS_SLUG}/notes/${document.id}` };
}

async function newTab(options: { width?: number; height?: number } = {}): Promise<BrowserTab> {
  const tab = await openTab(browser, { baseURL: app.url, viewport: { width: options.width ?? 1280, height: options.height ?? 900 } });
  onTestFinished(() => tab.close());
  return tab;
}

async function signedIn(email: string, options: { width?: number; height?: number } = {}): Promise<BrowserTab> {
  const tab = await newTab(options);
  await signIn(tab.page, email);
  return tab;
}

const editorOf = (page: Page, title: string) => page.getByRole("textbox", { name: title, exact: true });
const statusOf = (page: Page) => page.locator(".editor-status");

/** Opens the note and waits for the live editor (synced with the server). */
async function openDocument(page: Page, document: { path: string; title: string }) {
  await visit(page, document.path);
  await waitForHeading(page, document.title);
  // Watch pages and practice notes are read first: the co-editor loads on demand.
  const onDemand = page.getByRole("button", { name: /^(Modifier le texte|Suivre les modifications en direct)$/ });
  if (await onDemand.count()) await onDemand.click();
  await editorOf(page, document.title).waitFor();
  await expect.poll(() => statusOf(page).textContent()).toContain("Connecté");
}

/** The editor's document as JSON, from the TipTap instance the page holds. */
function contentOf(page: Page) {
  return page.evaluate(() => {
    const dom = document.querySelector(".ProseMirror") as (HTMLElement & { editor?: { getJSON(): unknown; getText(): string } }) | null;
    return { json: dom?.editor?.getJSON(), text: dom?.editor?.getText() ?? "" };
  });
}

const textOf = async (page: Page) => (await contentOf(page)).text;

/** The text of the editor's current selection, as ProseMirror sees it. */
function selectedText(page: Page) {
  return page.evaluate(() => {
    const dom = document.querySelector(".ProseMirror") as unknown as {
      editor: { state: { selection: { from: number; to: number }; doc: { textBetween(from: number, to: number): string } } };
    };
    const { from, to } = dom.editor.state.selection;
    return dom.editor.state.doc.textBetween(from, to);
  });
}

/**
 * Puts the caret at the end of the paragraph that contains `text`. Through the editor rather than a click on
 * the words: the others' carets (with their names) sit inside the paragraphs and split the text.
 */
async function caretAfter(page: Page, title: string, text: string) {
  await editorOf(page, title).waitFor();
  const placed = await page.evaluate((wanted) => {
    type Node = { isTextblock: boolean; textContent: string; nodeSize: number };
    const editor = (document.querySelector(".ProseMirror") as unknown as {
      editor: {
        state: { doc: { descendants(visit: (node: Node, pos: number) => boolean | void): void } };
        commands: { setTextSelection(pos: number): boolean };
        view: { focus(): void };
      };
    }).editor;
    let target = -1;
    editor.state.doc.descendants((node, pos) => {
      if (target >= 0) return false;
      if (node.isTextblock && node.textContent.includes(wanted)) target = pos + node.nodeSize - 1;
    });
    if (target < 0) return false;
    editor.view.focus();
    return editor.commands.setTextSelection(target);
  }, text);
  expect(placed, `paragraphe « ${text} »`).toBe(true);
}

describe("co-editing a note in the browser", () => {
  it("shows each person's text, named caret and presence to the other, survives going offline and persists", { timeout: 90_000 }, async () => {
    const note = await makeDocument({ kind: "note", title: "Table ronde du 12 mars : compte rendu" });
    const [claire, sophie] = await Promise.all([signedIn(CLAIRE.email), signedIn(SOPHIE.email)]);
    await Promise.all([openDocument(claire.page, note), openDocument(sophie.page, note)]);

    // Both type at the same time, each in their own paragraph.
    await caretAfter(claire.page, note.title, "Premier point");
    await caretAfter(sophie.page, note.title, "Second point");
    await Promise.all([
      claire.page.keyboard.type(" : accueil par le CCAS d'Ermont", { delay: 15 }),
      sophie.page.keyboard.type(" : registre canicule", { delay: 15 }),
    ]);
    for (const page of [claire.page, sophie.page]) {
      await expect.poll(() => textOf(page)).toContain("Premier point : accueil par le CCAS d'Ermont");
      await expect.poll(() => textOf(page)).toContain("Second point : registre canicule");
    }
    await expect.poll(async () => JSON.stringify((await contentOf(claire.page)).json)).toBe(JSON.stringify((await contentOf(sophie.page)).json));

    // Each sees the other's named caret and the list of who is there.
    await claire.page.locator(".collaboration-carets__label", { hasText: SOPHIE.name }).waitFor();
    await sophie.page.locator(".collaboration-carets__label", { hasText: CLAIRE.name }).waitFor();
    const presence = (page: Page) => page.locator(".editor-presence").textContent();
    await expect.poll(() => presence(claire.page)).toMatch(new RegExp(`Présents :.*${CLAIRE.name} \\(vous\\).*${SOPHIE.name}`));
    await expect.poll(() => presence(sophie.page)).toMatch(new RegExp(`Présents :.*${SOPHIE.name} \\(vous\\).*${CLAIRE.name}`));
    await expect.poll(() => statusOf(claire.page).textContent()).toContain("Enregistré");

    // Sophie loses the network, keeps typing, and is told her changes will follow.
    await sophie.context.setOffline(true);
    await expect.poll(() => statusOf(sophie.page).textContent()).toContain(OFFLINE);
    await sophie.page.keyboard.type(" (liste à jour au 1er juin)", { delay: 10 });
    await claire.page.keyboard.type(" ; ordre du jour validé", { delay: 10 });
    await expect.poll(() => textOf(sophie.page)).toContain("registre canicule (liste à jour au 1er juin)");
    expect(await textOf(claire.page)).not.toContain("1er juin");
    expect(await statusOf(sophie.page).textContent()).toContain(OFFLINE);

    await sophie.context.setOffline(false);
    await expect.poll(() => statusOf(sophie.page).textContent(), { timeout: 15_000 }).toContain("Connecté");
    for (const page of [claire.page, sophie.page]) {
      await expect.poll(() => textOf(page)).toContain("registre canicule (liste à jour au 1er juin)");
      await expect.poll(() => textOf(page)).toContain("accueil par le CCAS d'Ermont ; ordre du jour validé");
      await expect.poll(() => statusOf(page).textContent()).toContain("Enregistré");
    }
    await expect.poll(async () => JSON.stringify((await contentOf(claire.page)).json)).toBe(JSON.stringify((await contentOf(sophie.page)).json));
    const converged = await textOf(claire.page);

    // Reloading shows the text, first in the server's own HTML (read back from the database), then live.
    const response = await sophie.page.goto(note.path);
    const html = decodeHtml((await response?.text()) ?? "");
    expect(html).toContain("registre canicule (liste à jour au 1er juin)");
    expect(html).toContain("accueil par le CCAS d'Ermont ; ordre du jour validé");
    await editorOf(sophie.page, note.title).waitFor();
    await expect.poll(() => textOf(sophie.page)).toBe(converged);

    expectCleanConsole(claire.log);
    expectCleanConsole(sophie.log);
  });

  it("lets a member of another CCAS read a practice note live, but not type in it", { timeout: 60_000 }, async () => {
    const practice = await makeDocument({
      kind: "practice",
      title: "Portage de repas à Ermont",
      ownerOrganisationId: orgId(valParisis, ERMONT),
      paragraphs: ["Livraison le mardi et le vendredi."],
    });
    const [reader, author] = await Promise.all([signedIn(SOPHIE.email), signedIn(AMINE.email)]);
    await Promise.all([openDocument(reader.page, practice), openDocument(author.page, practice)]);

    const readerEditor = editorOf(reader.page, practice.title);
    await expect(reader.page.locator(".editor-readonly").textContent()).resolves.toContain("Lecture seule");
    await expect(reader.page.getByRole("toolbar").count()).resolves.toBe(0);
    await expect(readerEditor.getAttribute("contenteditable")).resolves.toBe("false");
    await expect(readerEditor.getAttribute("aria-readonly")).resolves.toBe("true");
    await expect(author.page.locator(".editor-readonly").count()).resolves.toBe(0);

    const before = await textOf(reader.page);
    await readerEditor.locator("p", { hasText: "Livraison" }).click();
    await reader.page.keyboard.type("texte du lecteur");
    await reader.page.keyboard.press("Enter");
    expect(await textOf(reader.page)).toBe(before);

    // The author's changes reach the reader as they are typed.
    await caretAfter(author.page, practice.title, "Livraison le mardi et le vendredi.");
    await author.page.keyboard.type(" Repas froids en juillet.", { delay: 10 });
    await expect.poll(() => textOf(reader.page)).toContain("Livraison le mardi et le vendredi. Repas froids en juillet.");
    await expect.poll(() => statusOf(author.page).textContent()).toContain("Enregistré");
    expect(await textOf(author.page)).not.toContain("texte du lecteur");
    await expectAccessible(reader.page, "note de pratique en lecture seule");
    await reader.page.screenshot({ path: "/tmp/co-editing-reader.png", fullPage: true });
    expectCleanConsole(reader.log);
    expectCleanConsole(author.log);
  });

  it("tells a member who lost access, in French, and stops the editing", { timeout: 60_000 }, async () => {
    const note = await makeDocument({ kind: "note", title: "Note bientôt réservée" });
    const { page, context, log } = await signedIn(SOPHIE.email);
    await openDocument(page, note);
    await caretAfter(page, note.title, "Premier point");
    await page.keyboard.type(" avant");
    await expect.poll(() => statusOf(page).textContent()).toContain("Enregistré");

    // The note becomes a draft of another CCAS; the next connection is refused.
    await app.database.db
      .updateTable("documents")
      .set({ visibility: "organisation", ownerOrganisationId: orgId(valParisis, ERMONT) })
      .where("id", "=", note.id)
      .execute();
    await context.setOffline(true);
    await expect.poll(() => statusOf(page).textContent()).toContain(OFFLINE);
    await context.setOffline(false);
    await expect
      .poll(() => statusOf(page).textContent(), { timeout: 15_000 })
      .toContain("Vous n'avez pas (ou plus) accès à ce document.");
    await expect(editorOf(page, note.title).getAttribute("contenteditable")).resolves.toBe("false");
    await expect(page.getByRole("toolbar").count()).resolves.toBe(0);
    expect(await textOf(page)).toContain("Premier point avant");
    expectCleanConsole(log);
  });

  it("can be used from the keyboard: toolbar with arrows, link dialog with validation, Escape returns the focus", { timeout: 60_000 }, async () => {
    const note = await makeDocument({ kind: "note", title: "Liens utiles" });
    const { page, log } = await signedIn(CLAIRE.email);
    await openDocument(page, note);
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        return {
          name: element?.getAttribute("aria-label") ?? element?.textContent ?? "",
          inToolbar: Boolean(element?.closest('[role="toolbar"]')),
          tag: element?.tagName ?? "",
        };
      });

    const expectFocus = (expected: Partial<Awaited<ReturnType<typeof focused>>>) => expect.poll(focused).toMatchObject(expected);

    // Tab from the link before the editor lands on the toolbar's single tab stop.
    await page.getByRole("link", { name: "Historique des versions" }).focus();
    await page.keyboard.press("Tab");
    await expectFocus({ name: "Titre 2", inToolbar: true });
    const toolbar = page.getByRole("toolbar", { name: "Mise en forme" });
    await expect(toolbar.locator('button[tabindex="0"]').count()).resolves.toBe(1);
    await page.keyboard.press("ArrowRight");
    await expectFocus({ name: "Titre 3", inToolbar: true });
    await page.keyboard.press("End");
    await expectFocus({ name: "Rétablir" });
    await page.keyboard.press("ArrowRight");
    await expectFocus({ name: "Titre 2" });
    await page.keyboard.press("ArrowLeft");
    await expectFocus({ name: "Rétablir" });
    await page.keyboard.press("Home");
    // Tab leaves the toolbar for the editor, Shift+Tab comes back to the last button used.
    for (let step = 0; step < 5; step += 1) await page.keyboard.press("ArrowRight");
    await expectFocus({ name: "Gras" });
    await page.keyboard.press("Tab");
    await expectFocus({ name: note.title, tag: "DIV" });
    await page.keyboard.press("Shift+Tab");
    await expectFocus({ name: "Gras", inToolbar: true });

    // Gras is a toggle: pressing it says so, and the focus goes back to the text.
    const bold = toolbar.getByRole("button", { name: "Gras" });
    await expect(bold.getAttribute("aria-pressed")).resolves.toBe("false");
    await caretAfter(page, note.title, "Premier point");
    await page.keyboard.press("Shift+Home");
    // ProseMirror reads a selection made with the keyboard on the next "selectionchange": wait for it.
    await expect.poll(() => selectedText(page)).toBe("Premier point");
    await page.keyboard.press("Alt+F10");
    await expectFocus({ name: "Gras", inToolbar: true });
    await page.keyboard.press("Enter");
    await expect(bold.getAttribute("aria-pressed")).resolves.toBe("true");
    await expectFocus({ name: note.title });
    await expect(editorOf(page, note.title).locator("strong").textContent()).resolves.toBe("Premier point");

    // The link dialog: a javascript: address is refused with a French message next to the field.
    await page.keyboard.press("End");
    await page.keyboard.type(" — voir ");
    await page.keyboard.press("Alt+F10");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await expectFocus({ name: "Lien" });
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Ajouter un lien" });
    await dialog.waitFor();
    const address = dialog.getByLabel("Adresse du lien");
    await expectFocus({ tag: "INPUT" });
    await page.keyboard.type("javascript:alert(1)");
    await page.keyboard.press("Enter");
    const error = dialog.locator(".field-error");
    await expect(error.textContent()).resolves.toBe(
      "Cette adresse n'est pas acceptée : elle doit commencer par https://, http://, mailto: ou tel:.",
    );
    await expect(address.getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(address.getAttribute("aria-describedby")).resolves.toContain((await error.getAttribute("id"))!);
    await expectAccessible(page, "dialogue de lien avec erreur");
    await page.screenshot({ path: "/tmp/co-editing-link-dialog.png" });
    await address.fill("https://www.legifrance.gouv.fr");
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "hidden" });
    const link = editorOf(page, note.title).locator('a[href="https://www.legifrance.gouv.fr"]');
    await expect(link.textContent()).resolves.toBe("https://www.legifrance.gouv.fr");
    await expectFocus({ name: note.title });
    expect(await textOf(page)).toContain("Premier point — voir https://www.legifrance.gouv.fr");

    // Escape closes the dialog and gives the focus back to the button that opened it.
    // (The caret is at the end of the link: the dialog offers to change it.)
    await page.keyboard.press("Alt+F10");
    await expectFocus({ name: "Lien" });
    await page.keyboard.press("Enter");
    const edit = page.getByRole("dialog", { name: "Modifier le lien" });
    await edit.waitFor();
    await expect(edit.getByLabel("Adresse du lien").inputValue()).resolves.toBe("https://www.legifrance.gouv.fr");
    await page.keyboard.press("Escape");
    await edit.waitFor({ state: "hidden" });
    await expectFocus({ name: "Lien", inToolbar: true });

    // Undo is the collaboration's own: it takes back this person's last change.
    await caretAfter(page, note.title, "Second point");
    await page.keyboard.type(" à supprimer");
    await expect.poll(() => textOf(page)).toContain("Second point à supprimer");
    await toolbar.getByRole("button", { name: "Annuler" }).click();
    await expect.poll(() => textOf(page)).not.toContain("à supprimer");
    await toolbar.getByRole("button", { name: "Rétablir" }).click();
    await expect.poll(() => textOf(page)).toContain("Second point à supprimer");

    // Markdown shortcuts still work: "## " makes a level-2 heading.
    await page.keyboard.press("Enter");
    await page.keyboard.type("## Décisions");
    await expect(editorOf(page, note.title).locator("h2", { hasText: "Décisions" }).count()).resolves.toBe(1);
    await expect(toolbar.getByRole("button", { name: "Titre 2" }).getAttribute("aria-pressed")).resolves.toBe("true");
    await expect.poll(() => statusOf(page).textContent()).toContain("Enregistré");
    expectCleanConsole(log);
  });

  it("suggests members after @ and documents after # in an accessible list", { timeout: 60_000 }, async () => {
    const other = await makeDocument({ kind: "note", title: "Plan canicule 2026" });
    const note = await makeDocument({ kind: "note", title: "Mentions" });
    const { page, log } = await signedIn(CLAIRE.email);
    await openDocument(page, note);
    const editor = editorOf(page, note.title);

    await caretAfter(page, note.title, "Premier point");
    await page.keyboard.type(" avec @soph");
    const members = page.getByRole("listbox", { name: "Mentionner un membre" });
    await members.waitFor();
    const options = members.getByRole("option");
    await expect(options.first().textContent()).resolves.toContain("@Sophie Petit");
    await expect(editor.getAttribute("aria-activedescendant")).resolves.toBe(await options.first().getAttribute("id"));
    await expect(options.first().getAttribute("aria-selected")).resolves.toBe("true");
    await expectAccessible(page, "liste de suggestions ouverte");
    await page.screenshot({ path: "/tmp/co-editing-mentions.png" });
    await page.keyboard.press("Enter");
    await members.waitFor({ state: "hidden" });
    await expect(editor.getAttribute("aria-activedescendant")).resolves.toBeNull();
    await expect(editor.locator(".mention--member").textContent()).resolves.toBe("@Sophie Petit");

    await page.keyboard.type("et #canic");
    const documents = page.getByRole("listbox", { name: "Mentionner un document" });
    await documents.waitFor();
    await expect(documents.getByRole("option").first().textContent()).resolves.toContain("#Plan canicule 2026");
    await page.keyboard.press("Escape");
    await documents.waitFor({ state: "hidden" });
    await page.keyboard.type(" ");
    await page.keyboard.type("#plan");
    await documents.waitFor();
    await page.keyboard.press("Enter");
    const mention = editor.locator(".mention--document");
    await expect(mention.textContent()).resolves.toBe("#Plan canicule 2026");
    await expect(mention.getAttribute("href")).resolves.toBe(`/documents/${other.id}`);
    await expect.poll(() => statusOf(page).textContent()).toContain("Enregistré");

    // The server's HTML shows the same mentions once the page is reloaded.
    const html = decodeHtml((await (await page.goto(note.path))?.text()) ?? "");
    expect(html).toContain(`data-id="${other.id}"`);
    expect(html).toContain("@Sophie Petit");
    expectCleanConsole(log);
  });

  it("inserts a table with a header row and edits its rows and columns", { timeout: 60_000 }, async () => {
    const note = await makeDocument({ kind: "note", title: "Tableau des permanences" });
    const { page, log } = await signedIn(CLAIRE.email);
    await openDocument(page, note);
    const editor = editorOf(page, note.title);
    const toolbar = page.getByRole("toolbar", { name: "Mise en forme" });
    await caretAfter(page, note.title, "Second point");
    await expect(toolbar.getByRole("button", { name: "Ajouter une ligne" }).count()).resolves.toBe(0);
    await toolbar.getByRole("button", { name: "Insérer un tableau" }).click();
    await expect(editor.locator("table th").count()).resolves.toBe(3);
    await expect(editor.locator("table tr").count()).resolves.toBe(3);
    await page.keyboard.type("Commune");
    // From a cell of the last row, second column: the header's first cell is never the one removed.
    await editor.locator("table tr").nth(2).locator("td").nth(1).click();
    await toolbar.getByRole("button", { name: "Ajouter une ligne" }).click();
    await expect(editor.locator("table tr").count()).resolves.toBe(4);
    await toolbar.getByRole("button", { name: "Ajouter une colonne" }).click();
    await expect(editor.locator("table tr").first().locator("th").count()).resolves.toBe(4);
    await toolbar.getByRole("button", { name: "Supprimer la colonne" }).click();
    await toolbar.getByRole("button", { name: "Supprimer la ligne" }).click();
    await expect(editor.locator("table tr").count()).resolves.toBe(3);
    await expect(editor.locator("table th").first().textContent()).resolves.toBe("Commune");
    await expectAccessible(page, "note avec un tableau");
    await page.screenshot({ path: "/tmp/co-editing-table.png" });
    await toolbar.getByRole("button", { name: "Supprimer le tableau" }).click();
    await expect(editor.locator("table").count()).resolves.toBe(0);
    expectCleanConsole(log);
  });

  it("passes axe on the editor and history pages, without CSP violations, on desktop and at 360 px", { timeout: 60_000 }, async () => {
    const note = await makeDocument({ kind: "note", title: "Réunion des directeurs", table: true });
    const desktop = await signedIn(CLAIRE.email);
    await openDocument(desktop.page, note);
    await caretAfter(desktop.page, note.title, "Premier point");
    await expectAccessible(desktop.page, "page d'édition");
    await desktop.page.screenshot({ path: "/tmp/co-editing-desktop.png", fullPage: true });

    const phone = await signedIn(SOPHIE.email, { width: 360, height: 740 });
    await openDocument(phone.page, note);
    await caretAfter(phone.page, note.title, "Second point");
    await phone.page.keyboard.type(" (vu sur téléphone)");
    await desktop.page.locator(".collaboration-carets__label", { hasText: SOPHIE.name }).waitFor();
    await expectAccessible(phone.page, "page d'édition à 360 px");
    // Nothing wider than the screen: the toolbar wraps, the editor fits.
    const widths = await phone.page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      toolbar: document.querySelector('[role="toolbar"]')!.getBoundingClientRect().right,
      editor: document.querySelector(".ProseMirror")!.getBoundingClientRect().width,
    }));
    expect(widths.page).toBeLessThanOrEqual(360);
    expect(widths.toolbar).toBeLessThanOrEqual(360);
    expect(widths.editor).toBeGreaterThan(300);
    await phone.page.screenshot({ path: "/tmp/co-editing-360.png", fullPage: true });
    await desktop.page.screenshot({ path: "/tmp/co-editing-desktop-2.png", fullPage: true });

    await visit(desktop.page, `${note.path}/historique`);
    await expectAccessible(desktop.page, "historique des versions");

    // The server-rendered table (with its column widths in style attributes) is shown without a CSP refusal.
    await visit(phone.page, note.path);
    await phone.page.locator(".document-content table").first().waitFor();
    expect(cspViolations(phone.log)).toEqual([]);
    expectCleanConsole(desktop.log);
    expectCleanConsole(phone.log);
  });
});
