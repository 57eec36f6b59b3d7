// The last 30 days: each day's status, from the server's record (GET /api/v1/app/history,
// kept on the phone) and this phone's outbox, which knows of captures not yet uploaded.

import * as clock from "./clock.js";
import { h, replace } from "./dom.js";
import { formatDay, pick, t } from "./i18n.js";
import * as outbox from "./outbox.js";

const DAYS = 30;

// [css class, text, details] for one day. What is still on the phone comes first: the
// server cannot know of it. Then the server's record, then what the phone heard back.
function dayState(date, today, server, calendarDay, records) {
  const latest = records.at(-1);
  if (records.some((r) => outbox.UNSENT.includes(r.state))) return ["pending", t("h_pending")];
  const details = [];
  if (server?.reported) {
    if (server.version > 1) details.push(t("h_version", { n: server.version }));
    if (server.present != null) details.push(t("h_present", { n: server.present }));
    return server.on_time ? ["on-time", t("h_on_time"), details] : ["late", t("h_late"), details];
  }
  const uploaded = records.filter((r) => r.state === outbox.UPLOADED).at(-1);
  if (uploaded) {
    return uploaded.receipt.status === "accepted" ? ["on-time", t("h_on_time")] : ["late", t("h_late")];
  }
  if (server?.held || latest?.state === outbox.HELD) return ["held", t("h_held")];
  const closed = server ? !server.open : calendarDay && !calendarDay.open;
  if (closed) return ["closed", t("h_closed", { why: pick(server || calendarDay, "label") })];
  if (latest) return ["rejected", t("h_rejected")];
  if (date === today) return ["not-yet", t("h_not_yet")];
  if (server) return ["not-sent", t("h_not_sent")];
  return ["unknown", "—"];
}

export function renderHistory(root, ctx) {
  const boot = ctx.bootstrap;
  const today = clock.localDate(clock.now());
  const server = new Map((ctx.history?.data?.days || []).map((d) => [d.date, d]));
  const calendar = new Map(boot.calendar.map((d) => [d.date, d]));
  const byDate = new Map();
  for (const r of ctx.records) {
    if (r.school_id !== boot.school.id) continue;
    if (!byDate.has(r.date)) byDate.set(r.date, []);
    byDate.get(r.date).push(r);
  }
  const rows = [];
  for (let i = 0; i < DAYS; i += 1) {
    const date = clock.addDays(today, -i);
    const [kind, text, details = []] = dayState(date, today, server.get(date), calendar.get(date), byDate.get(date) || []);
    rows.push(
      h("li", { class: `day day-${kind}`, "data-date": date, "data-state": kind },
        h("span", { class: "date" }, formatDay(date, "short")),
        h("span", { class: "chip" }, text),
        details.length > 0 && h("span", { class: "help" }, details.join(" · ")))
    );
  }
  const fetched = ctx.history?.fetched_at;
  replace(
    root,
    h("div", { class: "card", "data-testid": "history" },
      h("h1", {}, t("history_title")),
      h("p", { class: "help" }, pick(boot.school, "name")),
      h("p", { class: "help" },
        fetched ? t("h_from_server", { time: `${formatDay(clock.localDate(fetched + clock.offset()), "short")} ${clock.hhmm(fetched + clock.offset())}` })
          : t("h_phone_only")),
      h("ol", { class: "days" }, rows)),
    h("div", { class: "card about", "data-testid": "about" },
      h("h2", {}, t("about_phone")),
      h("p", {}, t("device_id"), ": ", h("code", {}, ctx.deviceId)),
      h("p", {}, ctx.persisted ? t("storage_kept") : t("storage_not_kept")),
      h("p", {}, t("last_contact", {
        time: ctx.sync.lastContactAt ? clock.hhmm(ctx.sync.lastContactAt + clock.offset()) : t("never"),
      })))
  );
}
