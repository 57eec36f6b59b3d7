// The app's strings in Hindi and English. They come with the shell page (a JSON block the
// server renders from hazari/app/strings.py), so they are on the phone whenever the app is:
// switching language needs no network. Hindi unless the user chose English on this phone.

const CATALOGUE = JSON.parse(document.getElementById("app-strings").textContent);
const KEY = "hazari-language";
// Each language's name as its own readers write it: the switch offers the other one.
const NAMES = { hi: "हिन्दी", en: "English" };

let language = localStorage.getItem(KEY) === "en" ? "en" : "hi";
document.documentElement.lang = language;

export function lang() {
  return language;
}

export function otherLanguageName() {
  return NAMES[language === "hi" ? "en" : "hi"];
}

export function toggleLanguage() {
  language = language === "hi" ? "en" : "hi";
  localStorage.setItem(KEY, language);
  document.documentElement.lang = language;
}

// t("window_on_time", { time: "11:00", left: "20 min" }): Python's %(name)s placeholders.
export function t(key, params = {}) {
  const text = CATALOGUE[language][key] ?? CATALOGUE.en[key] ?? key;
  return text.replace(/%\((\w+)\)s|%%/g, (all, name) => (name ? String(params[name]) : "%"));
}

// The server sends both languages side by side: message_hi / message_en, name_hi / name_en.
export function pick(obj, field) {
  return obj[`${field}_${language}`] || obj[`${field}_hi`] || obj[`${field}_en`] || "";
}

function locale() {
  return language === "hi" ? "hi-IN" : "en-IN";
}

// Dates and times are shown in the school's zone whatever the phone's own setting.
export function formatDay(isoDate, style = "long") {
  const [y, m, d] = isoDate.split("-").map(Number);
  const options =
    style === "long"
      ? { weekday: "long", day: "numeric", month: "long", year: "numeric" }
      : { weekday: "short", day: "numeric", month: "short" };
  return new Intl.DateTimeFormat(locale(), { ...options, timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, d))
  );
}

export function formatDuration(ms) {
  const minutes = Math.max(0, Math.ceil(ms / 60000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h ? t("hours_minutes", { h, m }) : t("minutes", { m });
}
