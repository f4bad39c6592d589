// Text bound for a spreadsheet (CSV, XLSX): a cell a spreadsheet would evaluate as a formula is neutralised, per OWASP's
// CSV injection guidance: a value starting with = + - @ TAB or CR gets a leading apostrophe, so `=HYPERLINK(…)` in a
// subscriber's name opens as text. A plain number written as text (`-1250`, `+15125550123`) is left alone: it cannot
// carry a formula, and prefixing it would turn numbers and MSISDNs into text in the operator's sheet.

const FORMULA_START = /^[=+\-@\t\r]/
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** The text with an apostrophe in front when a spreadsheet would read it as a formula. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text
}
