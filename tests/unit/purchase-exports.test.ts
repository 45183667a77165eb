import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { toCsv, toXlsx, type ShareSheet } from "../../app/features/purchases/exports.server.ts";

const sheet: ShareSheet = {
  title: "Répartition",
  notes: ["Clé : parts égales."],
  columns: ["CCAS", "Calcul", "Montant (€)"],
  rows: [
    ["CCAS d'Hussigny-Godbrange", "100,00 € ÷ 3", 3334],
    ["=HYPERLINK(\"http://x\";\"clic\")", "100,00 € ÷ 3", 3333],
    ["CCAS de Thil; annexe", null, 3333],
    ["Total", null, 10000],
  ],
  moneyColumns: [2],
};

describe("share exports", () => {
  it("writes a French CSV: BOM, semicolons, decimal comma, accents, quoted separators, formulas kept as text", () => {
    const csv = toCsv(sheet);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const rows: string[][] = parse(csv, { delimiter: ";", bom: true });
    expect(rows).toEqual([
      ["CCAS", "Calcul", "Montant (€)"],
      ["CCAS d'Hussigny-Godbrange", "100,00 € ÷ 3", "33,34"],
      ["'=HYPERLINK(\"http://x\";\"clic\")", "100,00 € ÷ 3", "33,33"],
      ["CCAS de Thil; annexe", "", "33,33"],
      ["Total", "", "100,00"],
    ]);
  });

  it("writes an XLSX whose amounts read back as numbers in euros", async () => {
    const workbook = new ExcelJS.Workbook();
    const bytes = await toXlsx(sheet);
    await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const worksheet = workbook.getWorksheet("Répartition")!;
    const amounts: number[] = [];
    worksheet.eachRow((row) => {
      const value = row.getCell(3).value;
      if (typeof value === "number") amounts.push(value);
    });
    expect(amounts).toEqual([33.34, 33.33, 33.33, 100]);
    expect(worksheet.getCell("A1").value).toBe("Répartition");
  });
});
