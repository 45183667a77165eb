import { describe, expect, it } from "vitest";
import { WRONG_CREDENTIALS } from "../../app/features/auth/sign-in.server.ts";
import { DEMO_PASSWORD } from "../../db/seed/demo.ts";
import {
  E2E_TIMEOUT,
  expectAccessible,
  expectCleanConsole,
  settle,
  signIn,
  useAppAndBrowser,
  VAL_PARISIS_NAME,
  VAL_PARISIS_SLUG,
  visibleText,
  visit,
  waitForHeading,
  waitForHydration,
} from "../support/browser.ts";

const suite = useAppAndBrowser();


const networkHome = `/reseaux/${VAL_PARISIS_SLUG}`;

describe("sign-in and sign-out in the browser", { timeout: E2E_TIMEOUT }, () => {
  it("signs a director in, shows their network, signs them out and then protects the pages", async () => {
    const { page, log } = await suite.newTab();
    await visit(page, "/connexion");
    await expect(page.title()).resolves.toBe("Connexion — Tablée");
    await expectAccessible(page, "/connexion");

    await page.getByLabel("Adresse e-mail").fill("direction@ccas-ermont.demo.tablee.fr");
    await page.getByLabel("Mot de passe", { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL(`**${networkHome}`);
    await waitForHydration(page);
    await waitForHeading(page, VAL_PARISIS_NAME);
    await expect(page.getByRole("link", { name: "Mon profil (Denis Durand)" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Annuaire" }).isVisible()).resolves.toBe(true);
    await expect(page.locator("main").textContent()).resolves.toContain("CCAS d'Ermont");
    await expectAccessible(page, "accueil du réseau");

    await page.getByRole("button", { name: "Se déconnecter" }).click();
    await page.waitForURL("**/connexion");
    await waitForHeading(page, "Connexion à Tablée");
    await expect(page.getByRole("button", { name: "Se déconnecter" }).count()).resolves.toBe(0);

    for (const path of [networkHome, `${networkHome}/annuaire`, "/profil", "/"]) {
      const response = await page.goto(path);
      expect(response?.ok(), path).toBe(true);
      const url = new URL(page.url());
      expect(url.pathname, `${path} après déconnexion`).toBe("/connexion");
      if (path !== "/") expect(url.searchParams.get("redirectTo")).toBe(path);
      await expect(page.locator("main").textContent()).resolves.not.toContain("Denis Durand");
    }
    await waitForHydration(page);
    await expectAccessible(page, "/connexion?redirectTo=…");
    expectCleanConsole(log);
  });

  it("brings a signed-out visitor back to the page they asked for after signing in", async () => {
    const { page, log } = await suite.newTab();
    await page.goto(`${networkHome}/annuaire`);
    await waitForHydration(page);
    expect(new URL(page.url()).pathname).toBe("/connexion");
    await page.getByLabel("Adresse e-mail").fill("elue@ccas-ermont.demo.tablee.fr");
    await page.getByLabel("Mot de passe", { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL(`**${networkHome}/annuaire`);
    await waitForHeading(page, "Annuaire des CCAS");
    expectCleanConsole(log);
  });

  it("shows a French error for a wrong password and keeps the e-mail typed", async () => {
    const { page, log } = await suite.newTab();
    await visit(page, "/connexion");

    // Nothing typed: each field says what is missing, next to it.
    await page.getByRole("button", { name: "Se connecter" }).click();
    await settle(page);
    const email = page.getByLabel("Adresse e-mail");
    const password = page.getByLabel("Mot de passe", { exact: true });
    await expect(email.getAttribute("aria-invalid")).resolves.toBe("true");
    const emailError = page.locator(".field", { has: email }).locator(".field-error");
    await expect(visibleText(emailError, "Indiquez votre adresse e-mail.")).resolves.toBe("Indiquez votre adresse e-mail.");
    await expect(email.getAttribute("aria-describedby")).resolves.toContain((await emailError.getAttribute("id"))!);
    const passwordError = page.locator(".field", { has: password }).locator(".field-error");
    await expect(visibleText(passwordError, "Indiquez votre mot de passe.")).resolves.toBe("Indiquez votre mot de passe.");
    await expect(page.evaluate(() => document.activeElement?.getAttribute("name"))).resolves.toBe("email");
    await expectAccessible(page, "/connexion (champs vides)");

    await email.fill("direction@ccas-ermont.demo.tablee.fr");
    await password.fill("pas-le-bon-mot-de-passe");
    await page.getByRole("button", { name: "Se connecter" }).click();
    await settle(page);
    const alert = page.getByRole("alert");
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toBe(WRONG_CREDENTIALS);
    // Announced (role=alert), tied to the form, and the focus is not lost: still on the button.
    const alertId = await alert.getAttribute("id");
    await expect(page.locator("form[method=post]").getAttribute("aria-describedby")).resolves.toBe(alertId);
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Se connecter");
    expect(new URL(page.url()).pathname).toBe("/connexion");
    await expect(email.inputValue()).resolves.toBe("direction@ccas-ermont.demo.tablee.fr");
    await expect(page.getByRole("button", { name: "Se déconnecter" }).count()).resolves.toBe(0);
    await expectAccessible(page, "/connexion (mauvais mot de passe)");

    // Still refused after a full reload: no session was opened.
    await visit(page, networkHome);
    expect(new URL(page.url()).pathname).toBe("/connexion");
    expectCleanConsole(log);
  });

  it("resets a forgotten password through the e-mailed link, which works only once", async () => {
    const account = "agent@ccas-taverny.demo.tablee.fr";
    const newPassword = "une phrase de passe toute neuve";
    const { page, log } = await suite.newTab();

    await visit(page, "/connexion");
    await page.getByRole("link", { name: "Mot de passe oublié ?" }).click();
    await page.waitForURL("**/mot-de-passe-oublie");
    await waitForHeading(page, "Mot de passe oublié");
    await expectAccessible(page, "/mot-de-passe-oublie");

    await page.getByLabel("Adresse e-mail").fill(account);
    await page.getByRole("button", { name: "Recevoir le lien" }).click();
    await settle(page);
    const sent = page.getByRole("status");
    await expect(sent.textContent()).resolves.toContain(`Si un compte existe pour ${account}, un e-mail vient de lui être envoyé`);
    await expectAccessible(page, "/mot-de-passe-oublie (envoyé)");

    const link = suite.app.mailbox.lastLink(account, "/reinitialisation/");
    expect(new URL(link).origin).toBe(suite.app.url);
    await visit(page, link);
    await waitForHeading(page, "Choisir un nouveau mot de passe");
    await expect(page.locator("main").textContent()).resolves.toContain(`Compte : ${account}`);
    await expectAccessible(page, "/reinitialisation/…");

    await page.getByLabel("Nouveau mot de passe").fill(newPassword);
    await page.getByLabel("Confirmez le mot de passe").fill(newPassword);
    await page.getByRole("button", { name: "Enregistrer le mot de passe" }).click();
    await page.waitForURL("**/connexion?message=reinitialise");
    await expect(page.getByRole("status").textContent()).resolves.toContain("Votre mot de passe a été changé");
    await expectAccessible(page, "/connexion?message=reinitialise");

    // The old password no longer opens the account; the new one does.
    await page.getByLabel("Adresse e-mail").fill(account);
    await page.getByLabel("Mot de passe", { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await settle(page);
    await expect(page.getByRole("alert").textContent()).resolves.toBe(WRONG_CREDENTIALS);
    await signIn(page, account, newPassword);
    expect(new URL(page.url()).pathname).toBe(networkHome);
    await expect(page.getByRole("link", { name: "Mon profil (Julien Roux)" }).isVisible()).resolves.toBe(true);

    // A second use of the same link is refused, in French, with a way out.
    await visit(page, link);
    const refused = page.getByRole("alert");
    await expect(refused.textContent()).resolves.toContain("Ce lien n'est plus valable : il a déjà servi ou a expiré");
    await expect(page.getByLabel("Nouveau mot de passe").count()).resolves.toBe(0);
    await expect(page.getByRole("link", { name: "Demander un nouveau lien" }).isVisible()).resolves.toBe(true);
    await expectAccessible(page, "/reinitialisation/… (déjà utilisé)");
    expectCleanConsole(log);
  });
});

describe("keyboard only", { timeout: E2E_TIMEOUT }, () => {
  it("offers the skip link as the first Tab stop, and it moves focus to the main content", async () => {
    const { page, log } = await suite.newTab();
    await visit(page, "/connexion");
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      const box = element?.getBoundingClientRect();
      return { text: element?.textContent, href: element?.getAttribute("href"), top: box?.top ?? -1, height: box?.height ?? 0 };
    });
    expect(first.text).toBe("Aller au contenu");
    expect(first.href).toBe("#contenu");
    // Visible once focused, not left off-screen.
    expect(first.top).toBeGreaterThanOrEqual(0);
    expect(first.height).toBeGreaterThan(0);
    await page.screenshot({ path: "/tmp/tablee-skip-link.png" });

    await page.keyboard.press("Enter");
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("contenu");
    // The next Tab stop is then inside the main content: the first field of the form.
    await page.keyboard.press("Tab");
    await expect(page.evaluate(() => document.activeElement?.getAttribute("name"))).resolves.toBe("email");
    expectCleanConsole(log);
  });

  it("completes and submits the sign-in form with the keyboard alone", async () => {
    const { page, log } = await suite.newTab();
    await visit(page, "/connexion");
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLInputElement | null;
        return element?.name || element?.textContent?.trim() || element?.tagName;
      });
    const stops: Array<string | undefined> = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press("Tab");
      stops.push(await focused());
    }
    expect(stops).toEqual(["Aller au contenu", "Tablée", "email"]);
    await page.keyboard.type("direction@ccas-franconville.demo.tablee.fr");
    await page.keyboard.press("Tab");
    await expect(focused()).resolves.toBe("password");
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press("Tab");
    await expect(focused()).resolves.toBe("Se connecter");
    await page.keyboard.press("Enter");
    await page.waitForURL(`**${networkHome}`);
    await waitForHydration(page);
    // The address changes before React shows the page it leads to.
    await page.getByRole("link", { name: "Mon profil (Fatima Haddad)" }).waitFor();

    // On the network home too (loaded afresh), the skip link comes first.
    await visit(page, networkHome);
    await page.keyboard.press("Tab");
    await expect(focused()).resolves.toBe("Aller au contenu");
    await page.keyboard.press("Enter");
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("contenu");
    await expectAccessible(page, "accueil du réseau (clavier)");
    expectCleanConsole(log);
  });
});
