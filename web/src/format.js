// Numbers and times as the page's language writes them (the `lang` of <html>, Bahasa Indonesia by default), as the
// server's pages do: "1.942" and "3,5" in Bahasa Indonesia, "1,942" and "3.5" in English; times in WIB. Shared by
// main.js and field.js (esbuild bundles it into each).

function locale() {
  const lang = document.documentElement.lang || 'id';
  // English as the server writes it: day before month, a 24-hour clock.
  return lang === 'en' ? 'en-GB' : lang;
}

// A number with the language's separators; `places` digits after the decimal separator when given.
export function fmtNumber(n, places) {
  const value = Number(n);
  if (!Number.isFinite(value)) return String(n);
  const options = places === undefined ? {} : { minimumFractionDigits: places, maximumFractionDigits: places };
  return new Intl.NumberFormat(locale(), options).format(value);
}

// A moment (milliseconds since 1970) in WIB: "6 Des 2026, 14.30 WIB", "6 Dec 2026, 14:30 WIB".
export function fmtTime(ms) {
  const at = new Date(ms);
  if (Number.isNaN(at.getTime())) return String(ms);
  const text = new Intl.DateTimeFormat(locale(), { timeZone: 'Asia/Jakarta', dateStyle: 'medium', timeStyle: 'short' })
    .format(at);
  return `${text} WIB`;
}

// A day the API writes `YYYY-MM-DD` as the pages write it: "1 Desember 2026", "1 December 2026".
export function fmtDay(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
  if (!m) return String(ymd);
  const at = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', dateStyle: 'long' }).format(at);
}
