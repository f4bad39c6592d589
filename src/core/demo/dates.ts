// Day arithmetic for the generator: days are integers (days since 1970-01-01, UTC); months are y*12+(m-1).

const MS_DAY = 86_400_000

export function dayOf(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / MS_DAY)
}

export function parseIsoDay(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${iso}`)
  const day = dayOf(Number(m[1]), Number(m[2]), Number(m[3]))
  if (isoDay(day) !== iso) throw new Error(`not a valid date: ${iso}`)
  return day
}

export function isoDay(day: number): string {
  return new Date(day * MS_DAY).toISOString().slice(0, 10)
}

export function ymOfDay(day: number): number {
  const dt = new Date(day * MS_DAY)
  return dt.getUTCFullYear() * 12 + dt.getUTCMonth()
}

export function domOfDay(day: number): number {
  return new Date(day * MS_DAY).getUTCDate()
}

export function dayOfYm(ym: number, dom: number): number {
  return dayOf(Math.floor(ym / 12), (ym % 12) + 1, dom)
}

export function ymIso(ym: number): string {
  const m = (ym % 12) + 1
  return `${Math.floor(ym / 12)}-${m < 10 ? '0' : ''}${m}`
}

export function daysInYm(ym: number): number {
  return dayOfYm(ym + 1, 1) - dayOfYm(ym, 1)
}

/** 0 = Sunday */
export function weekday(day: number): number {
  return (day + 4) % 7
}

/** A cache of ISO strings for a range of days (avoids Date objects in hot loops). */
export class DayNames {
  private readonly names: string[] = []
  constructor(
    readonly first: number,
    readonly last: number,
  ) {
    for (let d = first; d <= last; d++) this.names.push(isoDay(d))
  }
  iso(day: number): string {
    const s = this.names[day - this.first]
    return s ?? isoDay(day)
  }
}

const PAD2: string[] = Array.from({ length: 60 }, (_, i) => (i < 10 ? `0${i}` : String(i)))

/** "YYYY-MM-DDTHH:MM:SSZ" for a day and a second of that day */
export function stamp(dayIso: string, sec: number): string {
  const h = Math.floor(sec / 3600)
  const m = Math.floor((sec % 3600) / 60)
  return `${dayIso}T${PAD2[h]}:${PAD2[m]}:${PAD2[sec % 60]}Z`
}
