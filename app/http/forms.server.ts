/** Reads a submitted form; an unreadable body is the client's fault (400), never a 500. */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new Response("Formulaire illisible : rechargez la page et réessayez.", { status: 400 });
  }
}

export function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:";
}
