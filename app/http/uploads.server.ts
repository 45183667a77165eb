import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";

export function isMultipart(request: Request): boolean {
  return (request.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
}

/**
 * A multipart form whose files are held in memory up to `maxFileBytes` each.
 * A larger file is read to its end but not kept: answering before the upload
 * is over would reset the connection, and the user would see no message;
 * the form's other fields are still returned, to say which form it was.
 */
export type Upload = { ok: true; formData: FormData } | { ok: false; tooLarge: boolean; /** The other fields, when the form could be read. */ formData?: FormData };

export async function readUpload(request: Request, maxFileBytes: number): Promise<Upload> {
  let tooLarge = false;
  const handler: UploadHandler = async ({ filename, contentType, data }) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size > maxFileBytes) tooLarge = true;
      else chunks.push(chunk);
    }
    if (tooLarge) return undefined;
    if (filename === undefined) return new TextDecoder().decode(Buffer.concat(chunks));
    return new File(chunks as BlobPart[], filename, { type: contentType });
  };
  try {
    const formData = await unstable_parseMultipartFormData(request, handler);
    return tooLarge ? { ok: false, tooLarge: true, formData } : { ok: true, formData };
  } catch {
    return { ok: false, tooLarge };
  }
}
