import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadActor } from "../../app/features/auth/actor.server.ts";
import { createWatchPage } from "../../app/features/knowledge/knowledge.server.ts";
import { E2E_TIMEOUT, expectAccessible, expectCleanConsole, settle, signIn, useAppAndBrowser, VAL_PARISIS_SLUG, visit, waitForHeading } from "../support/browser.ts";
import { userIdOf } from "../support/fixtures.ts";
import { wordDocument, zipOf } from "../support/office-files.ts";

/**
 * The knowledge base in a real browser: writing a page, proposing it to the agenda, importing a zip, the coordinator
 * ordering a section's pages with the keyboard and handing a page over; axe on each page.
 */

const suite = useAppAndBrowser();
const staff = "agent@ccas-ermont.demo.tablee.fr";
const coordinator = "coordination@valparisis.demo.tablee.fr";
const wiki = `/reseaux/${VAL_PARISIS_SLUG}/veille`;
const TITLE = "Aide alimentaire : conventionnement des épiceries sociales";

describe("knowledge base in the browser", { timeout: E2E_TIMEOUT }, () => {
  it("writes a watch page, proposes it to the next round table and finds it on the agenda, accessible and on a phone", async () => {
    const { page, log } = await suite.newTab({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
    await signIn(page, staff);
    await visit(page, wiki);
    await waitForHeading(page, "Veille réglementaire");
    await expectAccessible(page, "veille réglementaire");
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // An empty title is refused next to the field.
    await page.getByRole("button", { name: "Créer la page" }).click();
    await page.locator("#page-title-error").filter({ hasText: "Le titre doit faire au moins 3 caractères." }).waitFor();
    await page.getByLabel("Titre", { exact: true }).fill(TITLE);
    await page.getByRole("button", { name: "Créer la page" }).click();
    await waitForHeading(page, TITLE);

    // Write in the co-edited text, then set themes and a legal reference.
    const editor = page.getByRole("textbox", { name: TITLE, exact: true });
    await editor.waitFor();
    await editor.click();
    await page.keyboard.type("Les épiceries sociales conventionnées reçoivent les denrées du FSE+.");
    await page.locator("summary", { hasText: "Modifier les informations" }).click();
    // Filing the page in another section is the coordinators': the writer reads its section, without a choice.
    expect(await page.getByLabel("Section", { exact: true }).count()).toBe(0);
    await page.getByText("Section : sans section").waitFor();
    await page.getByRole("checkbox", { name: "Aide alimentaire", exact: true }).check();
    await page.getByLabel("Code ou texte (référence 1)").fill("CASF");
    await page.getByLabel("Article (référence 1)").fill("L266-1");
    await page.getByRole("button", { name: "Enregistrer les informations" }).click();
    await page.getByRole("status").filter({ hasText: "Informations enregistrées." }).waitFor();
    await settle(page);
    expect(await page.getByRole("list", { name: "Thèmes" }).textContent()).toContain("Aide alimentaire");
    await expectAccessible(page, "page de veille");

    await page.getByRole("button", { name: "Proposer à l'ordre du jour" }).click();
    await page.getByRole("status").filter({ hasText: "Proposé à l'ordre du jour de la prochaine table ronde." }).waitFor();
    await page.getByRole("link", { name: "Voir l'ordre du jour" }).click();
    await page.getByRole("heading", { level: 1, name: /^Table ronde du / }).waitFor();
    await page.getByRole("link", { name: `Veille : ${TITLE}` }).waitFor();

    // The page now lists the meeting where it is discussed, and its text was kept.
    await visit(page, wiki);
    await page.getByRole("link", { name: TITLE }).click();
    await waitForHeading(page, TITLE);
    await page.getByRole("link", { name: /^Table ronde du / }).waitFor();
    expect(await page.locator(".document-content, .ProseMirror").first().textContent()).toContain("épiceries sociales conventionnées");

    // A page with text is read first: the co-editor is not even loaded until asked for, then the keyboard is in the text.
    expect(await page.getByRole("textbox", { name: TITLE, exact: true }).count()).toBe(0);
    expect(await page.evaluate(() => performance.getEntriesByType("resource").some((entry) => entry.name.includes("collaborative-editor")))).toBe(false);
    await expectAccessible(page, "page de veille, en lecture");
    await page.getByRole("button", { name: "Modifier le texte" }).click();
    await page.getByRole("textbox", { name: TITLE, exact: true }).waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.classList.contains("ProseMirror") ?? false), { timeout: 15_000 })
      .toBe(true);
    await page.keyboard.type(" Bilan annuel en juin.");
    await page.locator(".editor-status__save").filter({ hasText: "Enregistré" }).waitFor({ timeout: 15_000 });
    await visit(page, new URL(page.url()).pathname);
    await waitForHeading(page, TITLE);
    expect(await page.locator(".document-content").first().textContent()).toContain("conventionnées reçoivent les denrées du FSE+. Bilan annuel en juin.");
    expectCleanConsole(log);
  });

  it("lets a coordinator reorder a section's pages with the keyboard, file one elsewhere and hand a page over, on a phone", async () => {
    const db = suite.app.database.db;
    const network = await db.selectFrom("networks").select("id").where("slug", "=", VAL_PARISIS_SLUG).executeTakeFirstOrThrow();
    const section = await db.selectFrom("wikiSections").select("id").where("networkId", "=", network.id).where("title", "=", "Santé mentale").executeTakeFirstOrThrow();
    const writer = await loadActor(db, await userIdOf(db, staff));
    const FAMILY = "Habilitation familiale : le rôle du juge";
    const COUNCILS = "Conseils locaux de santé mentale";
    for (const title of [FAMILY, COUNCILS]) await createWatchPage(db, writer, { networkId: network.id, title, sectionId: section.id });

    const { page, log } = await suite.newTab({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
    await signIn(page, coordinator);
    await visit(page, wiki);
    await waitForHeading(page, "Veille réglementaire");
    const titles = () => page.getByRole("list", { name: "Pages de la section Santé mentale" }).getByRole("link").allTextContents();
    const [sdre] = await titles();
    expect(await titles()).toEqual([sdre, FAMILY, COUNCILS]);

    // Up twice with the keyboard (Enter, then Space): the focus stays on the button, each move is announced.
    const up = page.getByRole("button", { name: `Monter la page « ${COUNCILS} »` });
    await up.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: `« ${COUNCILS} » est en position 2 sur 3 dans la section « Santé mentale ».` }).waitFor();
    await settle(page);
    // The announcement may repeat an earlier one word for word: the list itself says when the move has landed.
    await expect.poll(titles, { timeout: 15_000 }).toEqual([sdre, COUNCILS, FAMILY]);
    await expect.poll(() => up.evaluate((button) => button === document.activeElement)).toBe(true);
    await page.keyboard.press("Space");
    await page.getByRole("status").filter({ hasText: "est en position 1 sur 3" }).waitFor();
    await settle(page);
    // The announcement may repeat an earlier one word for word: the list itself says when the move has landed.
    await expect.poll(titles, { timeout: 15_000 }).toEqual([COUNCILS, sdre, FAMILY]);
    expect(await up.getAttribute("aria-disabled")).toBe("true");
    // Down from the top: the moved item is re-inserted, and the focus is put back on its button.
    const down = page.getByRole("button", { name: `Descendre la page « ${COUNCILS} »` });
    await down.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "est en position 2 sur 3" }).waitFor();
    await settle(page);
    // The announcement may repeat an earlier one word for word: the list itself says when the move has landed.
    await expect.poll(titles, { timeout: 15_000 }).toEqual([sdre, COUNCILS, FAMILY]);
    await expect.poll(() => down.evaluate((button) => button === document.activeElement)).toBe(true);
    await expectAccessible(page, "veille, pages réordonnées");
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // File a page in another section, by keyboard too.
    await page.locator("summary", { hasText: `Changer de section : « ${FAMILY} »` }).focus();
    await page.keyboard.press("Enter");
    await page.getByLabel(`Ranger « ${FAMILY} » dans`).selectOption({ label: "Accès aux droits" });
    await page.getByRole("button", { name: `Déplacer « ${FAMILY} »` }).press("Enter");
    await page.getByRole("status").filter({ hasText: `« ${FAMILY} » est rangée à la fin de la section « Accès aux droits ».` }).waitFor();
    await settle(page);
    expect(await page.getByRole("list", { name: "Pages de la section Accès aux droits" }).getByRole("link").allTextContents()).toContain(FAMILY);
    expect(await titles()).toEqual([sdre, COUNCILS]);

    // Hand the page over: a member no longer active is refused next to the field, an active one takes it.
    await page.getByRole("link", { name: COUNCILS }).click();
    await waitForHeading(page, COUNCILS);
    await page.locator("summary", { hasText: "Modifier les informations" }).click();
    const owner = page.getByLabel("Responsable de la page");
    const leaving = await userIdOf(db, "agent@ccas-taverny.demo.tablee.fr");
    await owner.selectOption(leaving);
    await db.updateTable("memberships").set({ deactivatedAt: new Date() }).where("userId", "=", leaving).execute();
    try {
      await page.getByRole("button", { name: "Enregistrer les informations" }).click();
      await page.locator("#info-ownerUserId-error").filter({ hasText: "Cette personne n'est pas un membre actif du réseau" }).waitFor();
      await settle(page);
      expect(await owner.getAttribute("aria-invalid")).toBe("true");
      await expectAccessible(page, "page de veille, responsable refusé");
    } finally {
      await db.updateTable("memberships").set({ deactivatedAt: null }).where("userId", "=", leaving).execute();
    }
    await owner.selectOption(await userIdOf(db, "direction@ccas-franconville.demo.tablee.fr"));
    await page.getByRole("button", { name: "Enregistrer les informations" }).click();
    await page.getByRole("status").filter({ hasText: "Informations enregistrées." }).waitFor();
    await settle(page);
    await expect.poll(() => page.locator(".facts").textContent()).toContain("Fatima Haddad");
    await expectAccessible(page, "page de veille confiée");
    expectCleanConsole(log);
  });

  it("imports a zip of Word and Markdown notes with a progress bar and a report", async () => {
    const { page, log } = await suite.newTab({ viewport: { width: 1280, height: 900 } });
    const zip = zipOf({
      "Accès aux droits/Complémentaire santé solidaire.docx": await wordDocument("Complémentaire santé solidaire", ["Aide à la constitution des dossiers."]),
      "Accès aux droits/aide-sociale.md": "# Aide sociale à l'hébergement\n\nLes obligés alimentaires sont sollicités.",
      "programme.exe": "MZ",
    });
    const file = path.join(tmpdir(), `import-${process.pid}.zip`);
    writeFileSync(file, zip);
    await signIn(page, staff);
    await visit(page, `${wiki}/importer`);
    await waitForHeading(page, "Importer des documents dans la veille");
    await expectAccessible(page, "import");
    await page.getByLabel("Fichier à importer").setInputFiles(file);
    await page.evaluate(() => {
      const flag = window as unknown as { sawProgress: boolean };
      flag.sawProgress = false;
      new MutationObserver(() => {
        if (document.querySelector("progress.import-progress")) flag.sawProgress = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.getByRole("button", { name: "Importer", exact: true }).click();
    await page.getByRole("heading", { name: "Rapport d'import" }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress)).toBe(true);
    const report = (await page.locator(".import-report").textContent()) ?? "";
    expect(report).toContain("2 documents importés, 1 refusé");
    expect(report).toContain("Format non pris en charge");
    await expectAccessible(page, "rapport d'import");
    await page.getByRole("link", { name: "Complémentaire santé solidaire" }).click();
    await waitForHeading(page, "Complémentaire santé solidaire");
    expectCleanConsole(log);
  });

  it("hands a practice note over to another member of its CCAS, refusing in French one who is no longer active", async () => {
    const db = suite.app.database.db;
    const NOTE = "Rompre l'isolement des personnes âgées : les appels de convivialité";
    const { page, log } = await suite.newTab({ viewport: { width: 1280, height: 900 } });
    // Ermont's agent wrote the demo's note and answers for it.
    await signIn(page, staff);
    await visit(page, `/reseaux/${VAL_PARISIS_SLUG}/fiches`);
    await page.getByRole("link", { name: NOTE }).click();
    await waitForHeading(page, NOTE);
    await page.locator("summary", { hasText: "Modifier les informations (titre, responsable," }).click();
    const owner = page.getByLabel("Responsable de la fiche");
    // Only Ermont's members are offered.
    const offered = await owner.locator("option").allTextContents();
    expect(offered.length).toBeGreaterThan(1);
    expect(offered.every((label) => label.endsWith("— CCAS d'Ermont"))).toBe(true);
    const leaving = await userIdOf(db, "elue@ccas-ermont.demo.tablee.fr");
    await owner.selectOption(leaving);
    await db.updateTable("memberships").set({ deactivatedAt: new Date() }).where("userId", "=", leaving).execute();
    try {
      await page.getByRole("button", { name: "Enregistrer les informations" }).click();
      await page.locator("#info-ownerUserId-error").filter({ hasText: "Cette personne n'est pas un membre actif du CCAS auteur de la fiche" }).waitFor();
      await settle(page);
      expect(await owner.getAttribute("aria-invalid")).toBe("true");
      await expectAccessible(page, "fiche pratique, responsable refusé");
    } finally {
      await db.updateTable("memberships").set({ deactivatedAt: null }).where("userId", "=", leaving).execute();
    }
    const director = await userIdOf(db, "direction@ccas-ermont.demo.tablee.fr");
    await owner.selectOption(director);
    await page.getByRole("button", { name: "Enregistrer les informations" }).click();
    await page.getByRole("status").filter({ hasText: "Informations enregistrées." }).waitFor();
    await settle(page);
    const { name } = await db.selectFrom("users").select("name").where("id", "=", director).executeTakeFirstOrThrow();
    await expect.poll(() => page.locator(".facts").textContent()).toContain(name);
    // No longer its responsible, the agent is not offered the choice any more.
    expect(await page.getByLabel("Responsable de la fiche").count()).toBe(0);
    expectCleanConsole(log);
  });

  it("keeps the practice notes, notifications and profile pages accessible", async () => {
    const { page } = await suite.newTab({ viewport: { width: 1280, height: 900 } });
    await signIn(page, staff);
    for (const [target, heading] of [
      [`/reseaux/${VAL_PARISIS_SLUG}/fiches`, "Fiches pratiques"],
      ["/notifications", "Notifications"],
      ["/profil", "Mon profil"],
    ] as const) {
      await visit(page, target);
      await waitForHeading(page, heading);
      await expectAccessible(page, target);
    }
    await visit(page, `/reseaux/${VAL_PARISIS_SLUG}/fiches`);
    await page.getByRole("link", { name: "Portage de repas à domicile : passer en liaison froide" }).click();
    await waitForHeading(page, "Portage de repas à domicile : passer en liaison froide");
    await expectAccessible(page, "fiche pratique");
  });
});
