import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AppHeader } from "../components/app-header.tsx";
import { SiteFooter } from "../components/site-footer.tsx";
import { FormErrors, SubmitButton, TextField } from "../components/forms.tsx";
import { completePasswordReset, findUsableReset } from "../features/auth/password-reset.server.ts";
import { PASSWORD_MIN, resetPasswordSchema } from "../features/auth/schemas.ts";
import { readForm } from "../http/forms.server.ts";

export const meta: MetaFunction = () => [{ title: "Nouveau mot de passe — Tablée" }];

const EXPIRED = "Ce lien n'est plus valable : il a déjà servi ou a expiré (il vaut une heure). Demandez-en un nouveau.";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const reset = await findUsableReset(context.db, params.token ?? "");
  return { valid: Boolean(reset), email: reset?.email ?? null };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await readForm(request), { schema: resetPasswordSchema });
  if (submission.status !== "success") return submission.reply({ hideFields: ["password", "confirmPassword"] });
  const outcome = await completePasswordReset(context.db, {
    token: params.token ?? "",
    password: submission.value.password,
    ip: context.clientIp,
  });
  if (!outcome.ok) return submission.reply({ formErrors: [EXPIRED], hideFields: ["password", "confirmPassword"] });
  throw redirect("/connexion?message=reinitialise");
}

export default function ResetPassword() {
  const { valid, email } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: resetPasswordSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <AppHeader />
      <main id="contenu" className="page page--narrow" tabIndex={-1}>
        <h1>Choisir un nouveau mot de passe</h1>
        {!valid ? (
          <>
            <p className="form-error" role="alert">
              {EXPIRED}
            </p>
            <p>
              <Link to="/mot-de-passe-oublie">Demander un nouveau lien</Link>
            </p>
          </>
        ) : (
          <Form method="post" {...getFormProps(form)}>
            <p>
              Compte : <strong>{email}</strong>
            </p>
            <FormErrors id={form.errorId} errors={form.errors} />
            <TextField
              field={fields.password}
              label="Nouveau mot de passe"
              hint={`Au moins ${PASSWORD_MIN} caractères. Une phrase facile à retenir convient très bien.`}
              type="password"
              autoComplete="new-password"
            />
            <TextField field={fields.confirmPassword} label="Confirmez le mot de passe" type="password" autoComplete="new-password" />
            <div className="actions">
              <SubmitButton>Enregistrer le mot de passe</SubmitButton>
            </div>
          </Form>
        )}
      </main>
      <SiteFooter />
    </>
  );
}
