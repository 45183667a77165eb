import { DEMO_PASSWORD } from "../../db/seed/demo.ts";

export interface HttpResponse {
  status: number;
  location: string | null;
  headers: Headers;
  text: string;
}

/**
 * A browser-like HTTP client: keeps cookies, sends our Origin on mutations
 * like a browser would, and does not follow redirects so tests can see them.
 */
export class HttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly cookies = new Map<string, string>(),
  ) {}

  /** The same signed-in user, talking to another app process. */
  at(baseUrl: string): HttpClient {
    return new HttpClient(baseUrl, this.cookies);
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async request(path: string, init: RequestInit & { origin?: string | null } = {}): Promise<HttpResponse> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", this.cookieHeader);
    const method = (init.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "HEAD" && init.origin !== null) headers.set("origin", init.origin ?? this.baseUrl);
    const response = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: "manual" });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const index = pair!.indexOf("=");
      const name = pair!.slice(0, index);
      const value = pair!.slice(index + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(cookie) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, location: response.headers.get("location"), headers: response.headers, text: await response.text() };
  }

  get(path: string) {
    return this.request(path);
  }

  post(path: string, fields: Record<string, string>, init: { origin?: string | null } = {}) {
    return this.request(path, {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      ...init,
    });
  }

  async signIn(email: string, password = DEMO_PASSWORD): Promise<HttpResponse> {
    return this.post("/connexion", { email, password, redirectTo: "/" });
  }
}

/**
 * One signed-in client per account, reused across a file's tests. `baseUrl`
 * is read when first needed, since the app starts in `beforeAll`.
 */
export function signedInClients(baseUrl: () => string): (email: string) => Promise<HttpClient> {
  const clients = new Map<string, HttpClient>();
  return async (email) => {
    let client = clients.get(email);
    if (!client) {
      client = new HttpClient(baseUrl());
      const response = await client.signIn(email);
      if (response.status !== 302) throw new Error(`Connexion de ${email} refusée (${response.status})`);
      clients.set(email, client);
    }
    return client;
  };
}
