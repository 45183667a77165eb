import type { Locator, Page } from "playwright-core";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  E2E_TIMEOUT,
  expectAccessible,
  expectCleanConsole,
  openTab,
  settle,
  signIn,
  useAppAndBrowser,
  VAL_PARISIS_SLUG,
  visit,
  waitForHeading,
} from "../support/browser.ts";

const suite = useAppAndBrowser();

const coordinator = "coordination@valparisis.demo.tablee.fr";
const staff = "agent@ccas-ermont.demo.tablee.fr";
const TITLE = "Chèques énergie : coordonner nos aides facultatives";

function agendaTitles(page: Page): Promise<string[]> {
  return page.locator("ol.agenda > li h3").allTextContents();
}

function item(page: Page, title: string): Locator {
  return page.locator("li.agenda-item", { has: page.getByRole("heading", { name: title, exact: true }) });
}

async function waitForTitles(page: Page, expected: string[]) {
  await page.waitForFunction(
    (titles) => JSON.stringify([...document.querySelectorAll("ol.agenda > li h3")].map((node) => node.textContent)) === JSON.stringify(titles),
    expected,
  );
}

describe("round tables in the browser", { timeout: E2E_TIMEOUT }, () => {
  it("plan → create the meeting → propose → support → accept → reorder, live between two people, accessible and on a phone", async () => {
    const host = await openTab(suite.browser, { baseURL: suite.app.url, viewport: { width: 1280, height: 900 } });
    const member = await openTab(suite.browser, { baseURL: suite.app.url, viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
    onTestFinished(() => host.close());
    onTestFinished(() => member.close());

    // The coordinator finds the plan and creates the next meeting in one step.
    await signIn(host.page, coordinator);
    await host.page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Tables rondes" }).click();
    await waitForHeading(host.page, "Tables rondes");
    await expectAccessible(host.page, "liste des tables rondes");
    const proposedHost = (await host.page.getByLabel("Commune d'accueil").locator("option:checked").textContent())!;
    await host.page.getByRole("button", { name: "Créer cette table ronde" }).click();
    await host.page.getByRole("heading", { level: 1, name: /^Table ronde du / }).waitFor();
    const meetingUrl = new URL(host.page.url()).pathname;
    expect(meetingUrl).toMatch(new RegExp(`^/reseaux/${VAL_PARISIS_SLUG}/tables-rondes/[0-9a-f-]{36}$`));
    expect(await host.page.locator("dl.details").textContent()).toContain(proposedHost);
    expect((await agendaTitles(host.page))[0]).toMatch(/^Accueil par le maire (de |d'|du |des )/);
    const welcome = (await agendaTitles(host.page))[0]!;
    await host.page.getByText("Mis à jour en direct").waitFor();
    await expectAccessible(host.page, "page de la table ronde");

    // A staff member of another CCAS, on a phone, proposes an item: a bad duration is refused next to the field.
    await signIn(member.page, staff);
    await visit(member.page, meetingUrl);
    await member.page.getByText("Mis à jour en direct").waitFor();
    await member.page.getByLabel("Titre du point").fill(TITLE);
    await member.page.getByLabel("Type de point").selectOption({ label: "Décision" });
    await member.page.getByLabel("Durée estimée (en minutes)").fill("-10");
    await member.page.getByRole("button", { name: "Proposer ce point" }).click();
    const durationError = member.page.locator(".field", { has: member.page.getByLabel("Durée estimée (en minutes)") }).locator(".field-error");
    await durationError.filter({ hasText: "Durée estimée : au moins 1 minute." }).waitFor();
    expect(await member.page.getByLabel("Titre du point").inputValue()).toBe(TITLE);
    await member.page.getByLabel("Durée estimée (en minutes)").fill("40");
    await member.page.getByRole("button", { name: "Proposer ce point" }).click();
    const proposed = member.page.getByRole("status").filter({ hasText: `Point proposé : « ${TITLE} ».` });
    await proposed.waitFor();
    // The member starts the next one at once; the page reloads its data when the server announces the new item:
    // neither the confirmation nor what is being typed goes away.
    await member.page.getByLabel("Titre du point").fill("Point en cours de rédaction");
    // The host sees it appear without reloading.
    await waitForTitles(host.page, [welcome, TITLE]);
    await member.page.waitForTimeout(1_000);
    await settle(member.page);
    expect(await proposed.count()).toBe(1);
    expect(await member.page.getByLabel("Titre du point").inputValue()).toBe("Point en cours de rédaction");

    // The coordinator accepts it: the member sees the decision live, and their draft stays in the form.
    await item(host.page, TITLE).getByRole("button", { name: /^Retenir « / }).click();
    await item(member.page, TITLE).getByText("Retenu", { exact: true }).waitFor();
    await settle(member.page);
    expect(await member.page.getByLabel("Titre du point").inputValue()).toBe("Point en cours de rédaction");
    await host.page.locator(".agenda-timing").filter({ hasText: "Points retenus : 55 min sur 3 h prévues." }).waitFor();
    await settle(host.page);

    // Staff may support but not decline or move.
    for (const action of [/^Ne pas retenir… « /, /^Monter « /, /^Descendre « /]) {
      expect(await item(member.page, TITLE).getByRole("button", { name: action }).count()).toBe(0);
    }
    expect(await item(host.page, TITLE).getByRole("button", { name: /^Ne pas retenir… « / }).count()).toBe(1);
    await item(member.page, TITLE).getByRole("button", { name: /^Soutenir « / }).click();
    await item(member.page, TITLE).getByRole("button", { name: /^Retirer mon soutien « / }).waitFor();
    await item(host.page, TITLE).getByText("1 soutien").waitFor();
    await expectAccessible(member.page, "page de la table ronde, sur téléphone");
    const overflow = await member.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, "défilement horizontal à 360 px").toBeLessThanOrEqual(0);

    // Reordering with the keyboard only: focus "Monter" and press Enter; the focus stays on the moved item's buttons.
    await item(host.page, TITLE).getByRole("button", { name: /^Monter « / }).focus();
    await host.page.keyboard.press("Enter");
    await waitForTitles(host.page, [TITLE, welcome]);
    await settle(host.page);
    const focused = await host.page.evaluate(() => document.activeElement?.id ?? "");
    expect(focused).toMatch(/^move-up-/);
    expect(await host.page.locator(`#${focused}`).getAttribute("aria-disabled")).toBe("true");
    await waitForTitles(member.page, [TITLE, welcome]);
    // At the top, "Monter" does nothing; Tab reaches "Descendre".
    await host.page.keyboard.press("Enter");
    await settle(host.page);
    expect(await agendaTitles(host.page)).toEqual([TITLE, welcome]);
    await host.page.keyboard.press("Tab");
    expect(await host.page.evaluate(() => document.activeElement?.id ?? "")).toMatch(/^move-down-/);
    await host.page.keyboard.press("Enter");
    await waitForTitles(host.page, [welcome, TITLE]);

    // Declining asks first.
    await item(host.page, TITLE).getByRole("button", { name: /^Ne pas retenir… « / }).click();
    const dialog = host.page.getByRole("alertdialog");
    await dialog.getByRole("heading", { name: `Ne pas retenir « ${TITLE} » ?` }).waitFor();
    await expectAccessible(host.page, "confirmation avant de ne pas retenir");
    await dialog.getByRole("link", { name: "Annuler" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await item(host.page, TITLE).getByText("Retenu", { exact: true }).count()).toBe(1);

    // The member registers who comes from their CCAS; the host sees the count live.
    await member.page.getByLabel("Nom de la personne").fill("Amine Benali");
    await member.page.getByLabel("Fonction").selectOption({ label: "Autre (agent, partenaire…)" });
    await member.page.getByRole("button", { name: "Inscrire", exact: true }).click();
    await member.page.getByRole("status").filter({ hasText: "Amine Benali est inscrit·e." }).waitFor();
    await host.page.getByText("1 personne inscrite : CCAS d'Ermont (1).").waitFor();

    // The minutes: started by the coordinator, then co-edited in the shared editor.
    await host.page.getByRole("link", { name: "Compte rendu" }).click();
    await host.page.getByRole("heading", { level: 1, name: /^Compte rendu de la table ronde du / }).waitFor();
    await host.page.getByRole("button", { name: "Commencer le compte rendu" }).click();
    await host.page.locator(".editor").waitFor();
    await settle(host.page);
    await expectAccessible(host.page, "compte rendu");

    // The paper convocation and the rotation settings are accessible too.
    await visit(host.page, `${meetingUrl}/convocation`);
    await host.page.getByRole("heading", { level: 1, name: /^Convocation à la table ronde du / }).waitFor();
    expect(await host.page.locator(".convocation__agenda li").count()).toBe(2);
    await expectAccessible(host.page, "convocation à imprimer");
    await visit(host.page, `/reseaux/${VAL_PARISIS_SLUG}/tables-rondes/rotation`);
    await waitForHeading(host.page, "Réglages de la rotation");
    await expectAccessible(host.page, "réglages de la rotation");

    expectCleanConsole(host.log);
    expectCleanConsole(member.log);
  });
});
