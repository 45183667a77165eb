import { randomBytes } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import helmet from "helmet";

export function assignCspNonce(_req: Request, res: Response, next: NextFunction): void {
  res.locals.cspNonce = randomBytes(16).toString("base64");
  next();
}

/**
 * Security headers. Scripts run only from our origin or with the request's
 * nonce; in development Vite's client needs inline scripts and its socket.
 */
export function securityHeaders(options: { development: boolean }) {
  const nonce = (_req: unknown, res: unknown) => `'nonce-${(res as Response).locals.cspNonce}'`;
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: options.development ? ["'self'", "'unsafe-inline'"] : ["'self'", nonce],
        styleSrc: ["'self'", ...(options.development ? ["'unsafe-inline'"] : [])],
        // Style attributes only (never <style> elements): TipTap tables set column widths and
        // co-editing carets their colour with them.
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", ...(options.development ? ["ws:", "wss:"] : [])],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: "same-origin" },
  });
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cross-site request forgery: the session cookie is SameSite=Lax, and every
 * state-changing request must also come from one of our own origins
 * (docs/decisions/003-csrf.md).
 */
export function requireSameOrigin(options: { publicUrl?: string }) {
  const configured = options.publicUrl ? new URL(options.publicUrl).origin : undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    // The JSON API authenticates by personal token only, never by the cookie: a browser on another site cannot
    // forge such a request, so it needs no Origin (docs/decisions/007-search-and-api.md).
    if (isTokenApiRequest(req)) return next();
    const own = `${req.protocol}://${req.get("host")}`;
    const claimed = req.get("origin") ?? originOf(req.get("referer"));
    if (claimed && (claimed === own || claimed === configured)) {
      // Remix refuses (500) an action whose Origin differs from the Host it sees: behind a proxy that
      // rewrites Host, tell it the public host that PUBLIC_URL names.
      if (claimed !== own) req.headers["x-forwarded-host"] = new URL(claimed).host;
      return next();
    }
    res
      .status(403)
      .type("text/plain; charset=utf-8")
      .send("Requête refusée : elle ne provient pas de Tablée. Rechargez la page et réessayez.");
  };
}

/** A request to /api/v1/ that carries a Bearer token: the API ignores the session cookie on those routes. */
export function isTokenApiRequest(req: Request): boolean {
  return req.path.startsWith("/api/v1/") && /^Bearer\s+\S/i.test(req.get("authorization") ?? "");
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
