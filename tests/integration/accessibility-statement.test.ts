import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { visibleText } from "../support/fixtures.ts";
import { HttpClient } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe("accessibility statement", () => {
  it("is public, linked from every page's footer, and follows the RGAA model", async () => {
    const client = new HttpClient(app.url);
    expect((await client.get("/connexion")).text).toContain('href="/accessibilite"');
    const page = await client.get("/accessibilite");
    expect(page.status).toBe(200);
    const headings = [...page.text.matchAll(/<h[23][^>]*>([^<]+)<\/h[23]>/g)].map((match) => match[1]);
    for (const heading of [
      "État de conformité",
      "Résultats des tests",
      "Contenus non accessibles",
      "Établissement de cette déclaration d&#x27;accessibilité",
      "Technologies utilisées pour la réalisation de Tablée",
      "Environnement de test",
      "Outils pour évaluer l&#x27;accessibilité",
      "Pages du site ayant fait l&#x27;objet de la vérification de conformité",
      "Retour d&#x27;information et contact",
      "Voies de recours",
    ]) {
      expect(headings).toContain(heading);
    }
    const text = visibleText(page.text);
    expect(text).toContain("partiellement conforme avec le référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1");
    expect(text).toMatch(/Cette déclaration a été établie le \d+ \S+ \d{4}\./);
    expect(text).toContain("Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07");
  });
});
