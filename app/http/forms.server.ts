const unreadable = () => new Response("Formulaire illisible : rechargez la page et réessayez.", { status: 400 });

/**
 * Reads a submitted form; an unreadable body is the client's fault (400), never a 500. So is a NUL character,
 * which no browser form sends and PostgreSQL cannot store in text: refused here rather than failing a query.
 */
export async function readForm(request: Request): Promise<FormData> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw unreadable();
  }
  for (const [name, value] of form) if (name.includes("\0") || (typeof value === "string" && value.includes("\0"))) throw unreadable();
  return form;
}

export function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:";
}
