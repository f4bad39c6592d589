// The one money formatter: integer cents → "$1,234.50" / "-$5.00" (en-US dollars). The console's read-back, its
// preview, the CLI and the screens all print money through it, so an amount reads the same wherever it is shown.
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' })

export function formatCents(cents: number): string {
  return usd.format(cents / 100)
}
