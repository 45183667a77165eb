import type { NextFunction, Request, Response } from "express";
import type { DB } from "../../db/client.ts";
import { resolveSession, sessionCookie, type SessionContext } from "../features/auth/sessions.server.ts";

declare module "express-serve-static-core" {
  interface Locals {
    cspNonce: string;
    session: SessionContext | null;
  }
}

/**
 * Resolves the session cookie once per request, before Remix; slides its
 * expiry and re-sends the cookie when it moved.
 */
export function loadSession(db: DB, secret: string) {
  const cookie = sessionCookie(secret);
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals.session = null;
    try {
      const token: unknown = req.headers.cookie ? await cookie.parse(req.headers.cookie) : null;
      if (typeof token === "string" && token) {
        const session = await resolveSession(db, token);
        if (session) {
          res.locals.session = { userId: session.userId, idHash: session.idHash };
          if (session.refreshed) {
            res.append("Set-Cookie", await cookie.serialize(token, { secure: req.secure }));
          }
        }
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}
