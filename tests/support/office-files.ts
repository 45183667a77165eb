import { Document, HeadingLevel, Packer, Paragraph, TextRun } from "docx";
import { zipSync, type Zippable } from "fflate";

/** Real Word documents and zip archives made in the test, for the import. */
export async function wordDocument(title: string, paragraphs: string[]): Promise<Uint8Array> {
  const document = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: title, heading: HeadingLevel.HEADING_1 }),
          ...paragraphs.map((text) => new Paragraph({ children: [new TextRun({ text })] })),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}

export function zipOf(files: Record<string, Uint8Array | string>): Uint8Array {
  const entries: Zippable = {};
  for (const [path, content] of Object.entries(files)) entries[path] = typeof content === "string" ? new TextEncoder().encode(content) : content;
  return zipSync(entries, { level: 9 });
}

/** A zip whose single entry inflates to `megabytes` of zeros from a few kilobytes. */
export function zipBomb(megabytes: number): Uint8Array {
  return zipSync({ "bombe.md": new Uint8Array(megabytes * 1024 * 1024) }, { level: 9 });
}
