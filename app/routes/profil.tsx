import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AppHeader } from "../components/app-header.tsx";
import { FormErrors, SubmitButton, TextField } from "../components/forms.tsx";
import { SiteFooter } from "../components/site-footer.tsx";
import { notFound, requireSession } from "../features/auth/guards.server.ts";
import { roleLabels } from "../features/auth/roles.ts";
import { profileSchema } from "../features/auth/schemas.ts";
import { findUserById, updateProfile } from "../features/auth/users.server.ts";
import { setEmailNotifications } from "../features/knowledge/notifications.server.ts";
import { apiTokenSchema, revokeTokenSchema } from "../features/api/schemas.ts";
import { createApiToken, listApiTokens, revokeApiToken } from "../features/api/tokens.server.ts";
import { listMembershipsOfUser } from "../features/network/members.server.ts";
import { formatDateTime } from "../i18n/format.ts";
import { readForm } from "../http/forms.server.ts";

export const meta: MetaFunction = () => [{ title: "Mon profil — Tablée" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = requireSession(context, request);
  const user = await findUserById(context.db, session.userId);
  if (!user) throw notFound();
  const memberships = await listMembershipsOfUser(context.db, user.id);
  const tokens = (await listApiTokens(context.db, user.id)).map((token) => ({
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    createdAt: formatDateTime(token.createdAt),
    lastUsedAt: token.lastUsedAt ? formatDateTime(token.lastUsedAt) : null,
  }));
  return {
    profile: { name: user.name, email: user.email, jobTitle: user.jobTitle, phone: user.phone, notifyByEmail: user.notifyByEmail },
    memberships,
    tokens,
  };
}

type TokenOutcome =
  | { kind: "token-created"; token: string; name: string }
  | { kind: "token-confirm-revoke"; tokenId: string }
  | { kind: "token-revoked" }
  | { kind: "token-error"; message: string }
  | { kind: "token-name-refused"; message: string; name: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const session = requireSession(context, request);
  const formData = await readForm(request);
  if (formData.get("intent") === "notifications") {
    await setEmailNotifications(context.db, session.userId, formData.get("notifyByEmail") === "on");
    return { result: undefined, saved: false, notificationsSaved: true };
  }
  const intent = formData.get("intent");
  if (intent === "create-token") return { token: await createToken(context.db, session.userId, formData) };
  if (intent === "revoke-token") {
    const parsed = revokeTokenSchema.safeParse({ tokenId: formData.get("tokenId") });
    if (!parsed.success) return { token: { kind: "token-error", message: "Ce jeton n'existe pas ou a déjà été révoqué." } satisfies TokenOutcome };
    if (formData.get("confirm") !== "oui") return { token: { kind: "token-confirm-revoke", tokenId: parsed.data.tokenId } satisfies TokenOutcome };
    const revoked = await revokeApiToken(context.db, { userId: session.userId, tokenId: parsed.data.tokenId });
    return {
      token: (revoked ? { kind: "token-revoked" } : { kind: "token-error", message: "Ce jeton n'existe pas ou a déjà été révoqué." }) satisfies TokenOutcome,
    };
  }
  const submission = parseWithZod(formData, { schema: profileSchema });
  if (submission.status !== "success") return { result: submission.reply(), saved: false };
  await updateProfile(context.db, session.userId, submission.value);
  return { result: submission.reply(), saved: true };
}

async function createToken(db: AppLoadContext["db"], userId: string, formData: FormData): Promise<TokenOutcome> {
  const parsed = apiTokenSchema.safeParse({ name: formData.get("name") });
  const typed = String(formData.get("name") ?? "");
  if (!parsed.success) return { kind: "token-name-refused", message: parsed.error.issues[0]!.message, name: typed };
  const created = await createApiToken(db, { userId, name: parsed.data.name });
  return created.ok ? { kind: "token-created", token: created.token, name: parsed.data.name } : { kind: "token-name-refused", message: created.message, name: typed };
}

export default function Profile() {
  const { profile, memberships, tokens } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const tokenOutcome = data && "token" in data ? data.token : undefined;
  const [form, fields] = useForm({
    lastResult: data && "result" in data ? data.result : undefined,
    defaultValue: { name: profile.name, jobTitle: profile.jobTitle ?? "", phone: profile.phone ?? "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: profileSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <AppHeader userName={profile.name} />
      <main id="contenu" className="page page--narrow" tabIndex={-1}>
        <h1>Mon profil</h1>
        {data && "saved" in data && data.saved ? (
          <p className="notice" role="status">
            Votre profil est enregistré.
          </p>
        ) : null}
        <Form method="post" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <p>
            Adresse e-mail : <strong>{profile.email}</strong>
          </p>
          <TextField field={fields.name} label="Prénom et nom" autoComplete="name" />
          <TextField field={fields.jobTitle} label="Fonction" hint="Par exemple : Adjointe aux affaires sociales" autoComplete="organization-title" />
          <TextField field={fields.phone} label="Téléphone" type="tel" autoComplete="tel" />
          <div className="actions">
            <SubmitButton>Enregistrer</SubmitButton>
          </div>
        </Form>
        <h2>Notifications</h2>
        {data && "notificationsSaved" in data ? (
          <p className="notice" role="status">
            Vos préférences de notification sont enregistrées.
          </p>
        ) : null}
        <Form method="post">
          <input type="hidden" name="intent" value="notifications" />
          <div className="field">
            <label className="checkbox">
              <input type="checkbox" name="notifyByEmail" defaultChecked={profile.notifyByEmail} /> Recevoir aussi par e-mail les mentions et
              les réponses à mes commentaires
            </label>
          </div>
          <button type="submit" className="button button--secondary">
            Enregistrer mes préférences
          </button>
        </Form>
        <h2>Mes CCAS</h2>
        {memberships.length === 0 ? (
          <p>Vous n'êtes membre d'aucun CCAS pour l'instant.</p>
        ) : (
          <ul>
            {memberships.map((membership) => (
              <li key={membership.organisationId}>
                {membership.organisationName} — {roleLabels[membership.role]} (
                <Link to={`/reseaux/${membership.networkSlug}`}>{membership.networkName}</Link>)
              </li>
            ))}
          </ul>
        )}
        <h2>Agenda</h2>
        <p>
          <Link to="/profil/calendrier">Abonner mon agenda aux tables rondes de mes réseaux</Link>
        </p>
        <p>
          <Link to="/mot-de-passe-oublie">Changer de mot de passe</Link>
        </p>
        <ApiTokens tokens={tokens} outcome={tokenOutcome} />
      </main>
      <SiteFooter />
    </>
  );
}

function ApiTokens({
  tokens,
  outcome,
}: {
  tokens: Array<{ id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null }>;
  outcome: TokenOutcome | undefined;
}) {
  const refused = outcome?.kind === "token-name-refused" ? outcome : undefined;
  const confirming = outcome?.kind === "token-confirm-revoke" ? tokens.find((token) => token.id === outcome.tokenId) : undefined;
  return (
    <section aria-labelledby="jetons">
      <h2 id="jetons">Jetons d'API</h2>
      <p>
        Un jeton permet à un script ou à un autre logiciel d'utiliser <a href="/api/v1/openapi.json">l'API de Tablée</a> avec vos droits :
        recherche, lecture et écriture des pages de veille et des fiches pratiques. Ne le confiez à personne.
      </p>
      {outcome?.kind === "token-created" ? (
        <div className="notice" role="status">
          <p>
            Jeton « {outcome.name} » créé. Copiez-le maintenant : <strong>il ne sera plus jamais affiché</strong>.
          </p>
          <label htmlFor="new-token">Votre nouveau jeton</label>
          <input id="new-token" className="token-value" readOnly value={outcome.token} onFocus={(event) => event.currentTarget.select()} />
        </div>
      ) : null}
      {outcome?.kind === "token-revoked" ? (
        <p className="notice" role="status">
          Le jeton est révoqué : il n'ouvre plus rien.
        </p>
      ) : null}
      {outcome?.kind === "token-error" ? (
        <p className="form-error" role="alert">
          {outcome.message}
        </p>
      ) : null}
      {confirming ? (
        <div className="warning" role="alertdialog" aria-labelledby="revoke-title" aria-describedby="revoke-text">
          <h3 id="revoke-title">Révoquer le jeton « {confirming.name} » ?</h3>
          <p id="revoke-text">Les scripts qui l'utilisent recevront aussitôt une erreur 401. Ce n'est pas réversible.</p>
          <Form method="post" className="actions">
            <input type="hidden" name="intent" value="revoke-token" />
            <input type="hidden" name="tokenId" value={confirming.id} />
            <input type="hidden" name="confirm" value="oui" />
            <button type="submit" className="button button--danger">
              Confirmer la révocation
            </button>
            <a href="/profil">Annuler</a>
          </Form>
        </div>
      ) : null}
      {tokens.length === 0 ? (
        <p>Vous n'avez aucun jeton actif.</p>
      ) : (
        <ul className="contact-list">
          {tokens.map((token) => (
            <li key={token.id}>
              <strong>{token.name}</strong> <code>{token.prefix}…</code> — créé le {token.createdAt},{" "}
              {token.lastUsedAt ? `utilisé pour la dernière fois le ${token.lastUsedAt}` : "jamais utilisé"}
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="revoke-token" />
                <input type="hidden" name="tokenId" value={token.id} />
                <button type="submit" className="link-button" aria-label={`Révoquer le jeton ${token.name}`}>
                  Révoquer
                </button>
              </Form>
            </li>
          ))}
        </ul>
      )}
      <Form method="post" className="card">
        <input type="hidden" name="intent" value="create-token" />
        <div className="field">
          <label htmlFor="token-name">Nom du nouveau jeton</label>
          <span className="hint" id="token-name-hint">
            Pour vous souvenir de son usage, par exemple « Script de veille ».
          </span>
          <input
            id="token-name"
            name="name"
            maxLength={200}
            defaultValue={refused?.name}
            aria-invalid={refused ? true : undefined}
            aria-describedby={refused ? "token-name-hint token-name-error" : "token-name-hint"}
          />
          <p className="field-error" id="token-name-error" hidden={!refused}>
            {refused?.message}
          </p>
        </div>
        <button type="submit" className="button">
          Créer un jeton
        </button>
      </Form>
    </section>
  );
}
