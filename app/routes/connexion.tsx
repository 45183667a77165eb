import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { AppHeader } from "../components/app-header.tsx";
import { SiteFooter } from "../components/site-footer.tsx";
import { FormErrors, SubmitButton, TextField } from "../components/forms.tsx";
import { safeRedirectPath } from "../features/auth/guards.server.ts";
import { signInSchema } from "../features/auth/schemas.ts";
import { signIn } from "../features/auth/sign-in.server.ts";
import { sessionCookie } from "../features/auth/sessions.server.ts";
import { isHttps, readForm } from "../http/forms.server.ts";

export const meta: MetaFunction = () => [{ title: "Connexion — Tablée" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  if (context.session) throw redirect(safeRedirectPath(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await readForm(request), { schema: signInSchema });
  if (submission.status !== "success") return submission.reply({ hideFields: ["password"] });
  const result = await signIn(context.db, {
    email: submission.value.email,
    password: submission.value.password,
    ip: context.clientIp,
    userAgent: request.headers.get("user-agent"),
  });
  if (!result.ok) return submission.reply({ formErrors: [result.message], hideFields: ["password"] });
  const cookie = await sessionCookie(context.sessionSecret).serialize(result.token, { secure: isHttps(request) });
  throw redirect(safeRedirectPath(submission.value.redirectTo), { headers: { "Set-Cookie": cookie } });
}

export default function SignIn() {
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signInSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <AppHeader />
      <main id="contenu" className="page page--narrow" tabIndex={-1}>
        <h1>Connexion à Tablée</h1>
        {searchParams.get("message") === "reinitialise" ? (
          <p className="notice" role="status">
            Votre mot de passe a été changé. Connectez-vous avec le nouveau.
          </p>
        ) : null}
        <Form method="post" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/"} />
          <TextField field={fields.email} label="Adresse e-mail" type="email" autoComplete="username" />
          <TextField field={fields.password} label="Mot de passe" type="password" autoComplete="current-password" />
          <div className="actions">
            <SubmitButton>Se connecter</SubmitButton>
            <Link to="/mot-de-passe-oublie">Mot de passe oublié ?</Link>
          </div>
        </Form>
      </main>
      <SiteFooter />
    </>
  );
}
