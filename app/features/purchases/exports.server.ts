import ExcelJS from "exceljs";
import { centsToDecimalComma } from "./money.ts";

/**
 * Shares as a spreadsheet. CSV the French way (";" between fields, decimal
 * comma, UTF-8 with a BOM so that LibreOffice and Excel read the accents) and
 * XLSX through exceljs, amounts as numbers in a euro format.
 */

export interface ShareSheet {
  title: string;
  /** Lines of explanation printed above the table in the XLSX, after it in no CSV (a CSV holds one table). */
  notes: string[];
  columns: string[];
  rows: Array<Array<string | number | null>>;
  /** Index of the columns that hold amounts in cents. */
  moneyColumns: number[];
}

/** A text a spreadsheet would run as a formula (a CCAS renamed "=HYPERLINK(…)") is kept as text. */
function neutralised(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvField(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(sheet: ShareSheet): string {
  const lines = [sheet.columns, ...sheet.rows.map((row) => row.map((cell, index) => (cell === null ? "" : sheet.moneyColumns.includes(index) ? centsToDecimalComma(Number(cell)) : neutralised(String(cell)))))];
  return `\uFEFF${lines.map((line) => line.map((cell) => csvField(String(cell))).join(";")).join("\r\n")}\r\n`;
}

export async function toXlsx(sheet: ShareSheet): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Tablée";
  const worksheet = workbook.addWorksheet("Répartition");
  worksheet.addRow([sheet.title]).font = { bold: true };
  for (const note of sheet.notes) worksheet.addRow([note]);
  worksheet.addRow([]);
  worksheet.addRow(sheet.columns).font = { bold: true };
  for (const row of sheet.rows) {
    const added = worksheet.addRow(row.map((cell, index) => (cell !== null && sheet.moneyColumns.includes(index) ? Number(cell) / 100 : cell)));
    for (const index of sheet.moneyColumns) added.getCell(index + 1).numFmt = '#,##0.00 "€"';
  }
  sheet.columns.forEach((_, index) => {
    worksheet.getColumn(index + 1).width = index === 0 ? 38 : 22;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function downloadResponse(body: string | Buffer, fileName: string, format: "csv" | "xlsx"): Response {
  const type = format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  return new Response(typeof body === "string" ? body : new Uint8Array(body), {
    headers: { "content-type": type, "content-disposition": `attachment; filename="${fileName}.${format}"`, "cache-control": "no-store" },
  });
}
