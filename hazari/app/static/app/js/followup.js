// The follow-up of children who miss school (issue 15): the school's list and, for a child,
// what was found and done.
//
// The list is GET /api/v1/students/followups, kept on the phone (meta "followups") and fetched
// again by sync.js; so the screen opens offline with the list as last fetched. What the head
// master records for a child (a cause, an action with its day, an outcome with its day) is an
// entry with a UUID made here, queued in the "followups" store (outbox.followups) and uploaded
// by sync.js as captures are: saved → sending → uploaded | rejected | conflict. Until the list
// fetched after the upload shows it, the child's row shows the entry from the queue; a refused
// entry stays on screen, with the server's reasons, until it is put aside.
//
//   #followup        the list, worst first as the server ranks it
//   #followup/<id>   one child (<id>: the register's id): the figures, the current state, the
//                    three forms and what was done so far

import * as clock from "./clock.js";
import { h, replace } from "./dom.js";
import { formatDay, pick, t } from "./i18n.js";
import * as outbox from "./outbox.js";

const KINDS = ["cause", "action", "outcome"];
const CHOICES = { cause: "causes", action: "actions", outcome: "outcomes" };
const REFUSED = [outbox.REJECTED, outbox.CONFLICT];
const NOTE_MAX = 200;
const drafts = {}; // "<student id>:<kind>" → { uuid, code, note, on }: kept across redraws
let saving = false;

function listOf(ctx) {
  const list = ctx.followups;
  return list && list.school_id === ctx.bootstrap.school.id ? list : null;
}

function studentOfRoute() {
  const match = location.hash.match(/^#followup\/(\d+)$/);
  return match ? Number(match[1]) : null;
}

function mine(ctx) {
  return ctx.entries.filter((r) => r.school_id === ctx.bootstrap.school.id);
}

// The entries the list does not show yet: not uploaded, or uploaded after it was fetched.
function pendingOf(ctx, id) {
  const fetchedAt = listOf(ctx)?.fetched_at || 0;
  return mine(ctx).filter(
    (r) =>
      r.payload.student === id &&
      (outbox.UNSENT.includes(r.state) || (r.state === outbox.UPLOADED && r.settled_at > fetchedAt))
  );
}

function refusedOf(ctx, id = null) {
  return mine(ctx).filter(
    (r) => REFUSED.includes(r.state) && !r.dismissed_at && (id === null || r.payload.student === id)
  );
}

function nameOf(list, kind, code) {
  const choice = (list?.data[CHOICES[kind]] || []).find((c) => c.code === code);
  return choice ? pick(choice, "name") : code;
}

// The child's cause, action and outcome: the server's, then what the phone has not yet
// heard back on, in the order saved.
function currentOf(student, pending) {
  const fu = student?.follow_up;
  const now = {
    cause: fu?.cause ? { code: fu.cause, note: fu.cause_note } : null,
    action: fu?.action ? { code: fu.action, on: fu.action_on } : null,
    outcome: fu?.outcome ? { code: fu.outcome, on: fu.outcome_on } : null,
  };
  for (const r of pending) {
    const p = r.payload;
    now[p.kind] = { code: p.code, note: p.note, on: p.on, state: r.state };
  }
  return now;
}

function stateChip(state) {
  return h("span", { class: `chip state-${state}`, "data-testid": "entry-state", "data-state": state },
    t(`state_${state}`));
}

function whatText(list, kind, item) {
  const parts = [nameOf(list, kind, item.code)];
  if (item.on && kind !== "cause") parts.push(formatDay(item.on, "short"));
  if (item.note) parts.push(`“${item.note}”`);
  return parts.join(" · ");
}

function currentLines(list, now) {
  const lines = KINDS.filter((k) => now[k]).map((k) =>
    h("span", { class: "line", "data-kind": k },
      h("b", {}, t(`fu_${k}`), ": "), whatText(list, k, now[k]),
      now[k].state && [" ", stateChip(now[k].state)]));
  return lines.length ? lines : [h("span", { class: "line help" }, t("fu_nothing_yet"))];
}

function figures(student) {
  const parts = [t("fu_days_absent", { absent: student.days_absent, marked: student.days_marked })];
  if (student.absent_in_a_row > 0) parts.push(t("fu_in_a_row", { n: student.absent_in_a_row }));
  if (student.attendance !== null) parts.push(t("fu_attendance", { pct: student.attendance }));
  return parts.join(" · ");
}

function tierChip(student) {
  return student.tier && h("span", { class: `chip tier tier-${student.tier}` }, t(`fu_tier_${student.tier}`));
}

function classLine(student) {
  const cls = t("class_n", { n: student.class_no }) + (student.section ? ` ${student.section}` : "");
  return `${cls} · ${student.student_id}`;
}

// --- The screens --------------------------------------------------------------------------------

export function renderFollowups(root, ctx) {
  const id = studentOfRoute();
  if (id === null) renderList(root, ctx);
  else renderChild(root, ctx, id);
}

function fromWhere(ctx, list) {
  if (!list) return t("fu_not_loaded");
  return t("h_from_server", { time: `${formatDay(list.today, "short")} ${clock.hhmm(list.fetched_at + clock.offset())}` });
}

function renderList(root, ctx) {
  const list = listOf(ctx);
  const students = list?.data.students || [];
  // Drawn again only when something on it changed: the 10-second tick must not move the
  // list under the head master's thumb.
  const shape = ["list", ctx.language, list?.fetched_at, ctx.entries.map((r) => `${r.uuid}${r.state}${r.dismissed_at || ""}`).join()]
    .join(":");
  if (root.dataset.shape === shape) return;
  root.dataset.shape = shape;
  replace(
    root,
    h("div", { class: "card", "data-testid": "followups" },
      h("h1", {}, t("fu_title")),
      h("p", { class: "help" }, t("fu_intro")),
      h("p", { class: "help", "data-testid": "fu-as-of" }, fromWhere(ctx, list))),
    refusedCard(ctx, list, refusedOf(ctx)),
    list && students.length === 0 && h("p", { class: "notice", "data-testid": "fu-empty" }, t("fu_empty")),
    students.length > 0 &&
      h("ul", { class: "fu-list", "data-testid": "fu-list" },
        students.map((s) => {
          const pending = pendingOf(ctx, s.id);
          return h("li", {},
            h("a", { class: "fu-child", href: `#followup/${s.id}`, "data-testid": "fu-child", "data-id": s.id,
              "data-pending": pending.some((r) => outbox.UNSENT.includes(r.state)) ? "yes" : "no" },
              h("span", { class: "top" }, h("span", { class: "name" }, s.name), tierChip(s)),
              h("span", { class: "meta" }, classLine(s)),
              h("span", { class: "meta" }, figures(s)),
              h("span", { class: "now" }, currentLines(list, currentOf(s, pending)))));
        }))
  );
}

// Entries the server refused, with its reasons, in the user's language.
function refusedCard(ctx, list, refused) {
  if (refused.length === 0) return null;
  return h("section", { class: "card status state-rejected", "data-testid": "fu-refused" },
    h("h2", {}, t("fu_refused_title")),
    refused.map((r) => h("div", { class: "refused", "data-testid": "fu-refused-entry", "data-uuid": r.uuid },
      h("p", {}, h("b", {}, r.student_name), " · ", t(`fu_${r.payload.kind}`), ": ",
        whatText(list, r.payload.kind, r.payload)),
      h("p", { class: "receipt" }, pick(r.receipt, "message")),
      r.receipt.errors?.length > 0 &&
        h("ul", { class: "errorlist" }, r.receipt.errors.map((e) => h("li", {}, pick(e, "message")))),
      h("button", { type: "button", class: "secondary", "data-testid": "fu-dismiss",
        onclick: () => ctx.actions.dismissEntry(r.uuid) }, t("fu_dismiss"))))
  );
}

function renderChild(root, ctx, id) {
  const list = listOf(ctx);
  const student = list?.data.students.find((s) => s.id === id) || null;
  const mineForChild = mine(ctx).filter((r) => r.payload.student === id);
  // Off the list (came back, left the school) but with entries on the phone: its name from them.
  const name = student?.name || mineForChild.at(-1)?.student_name || "";
  const shape = ["child", id, ctx.language, list?.fetched_at, !!student].join(":");
  if (root.dataset.shape !== shape) {
    root.dataset.shape = shape;
    replace(
      root,
      h("a", { href: "#followup", class: "back", "data-testid": "fu-back" }, t("fu_back")),
      h("div", { class: "card", "data-testid": "fu-student", "data-id": id },
        h("h1", {}, name, " ", student && tierChip(student)),
        student && h("p", { class: "school" }, classLine(student)),
        student && h("p", { "data-testid": "fu-figures" }, figures(student)),
        student && h("ul", { class: "reasons" }, student.reasons.map((r) => h("li", {}, reasonText(list, r)))),
        // Only the school's own staff are sent the number (the server decides).
        student?.guardian_mobile && h("p", {},
          h("a", { href: `tel:${student.guardian_mobile}`, class: "button secondary", "data-testid": "fu-call" },
            t("fu_call_family", { mobile: student.guardian_mobile }))),
        !student && h("p", { class: "notice" }, t("fu_not_on_list"))),
      h("div", { class: "fu-status-slot" }),
      list && KINDS.map((kind) => entryForm(ctx, list, student, id, kind)),
      h("div", { class: "fu-history-slot" })
    );
  }
  // What changes while the forms stay: the current state, refusals, what was done.
  const pending = pendingOf(ctx, id);
  replace(root.querySelector(".fu-status-slot"),
    h("section", { class: "card", "data-testid": "fu-current" },
      h("h2", {}, t("fu_now")),
      h("p", { class: "now" }, currentLines(list, currentOf(student, pending))),
      pending.some((r) => outbox.UNSENT.includes(r.state)) && navigator.onLine &&
        h("button", { type: "button", class: "secondary", onclick: () => ctx.actions.sendNow() }, t("send_now"))),
    refusedCard(ctx, list, refusedOf(ctx, id)));
  replace(root.querySelector(".fu-history-slot"), historyCard(list, student, pending));
}

function reasonText(list, reason) {
  const limits = list.data.limits;
  return reason === "in_a_row"
    ? t("fu_reason_in_a_row", { n: limits.run_days })
    : t("fu_reason_below", { pct: limits.threshold });
}

function historyCard(list, student, pending) {
  const server = (student?.follow_up?.history || []).map((e) => ({ ...e, by: e.recorded_by }));
  const phone = pending.map((r) => ({ ...r.payload, state: r.state, receipt: r.receipt }));
  const items = [...server, ...phone];
  if (items.length === 0) return null;
  return h("section", { class: "card", "data-testid": "fu-history" },
    h("h2", {}, t("fu_history")),
    h("ol", { class: "fu-history" }, items.map((e) =>
      h("li", {},
        h("span", { class: "date" }, formatDay(e.on, "short")),
        h("span", {}, h("b", {}, t(`fu_${e.kind}`), ": "), whatText(list, e.kind, { ...e, on: null }),
          e.by && h("span", { class: "help" }, " · ", t("fu_by", { who: e.by })),
          e.state && [" ", stateChip(e.state)],
          e.receipt && h("span", { class: "help", "data-testid": "fu-receipt" }, " ", pick(e.receipt, "message")))))));
}

// --- The forms ----------------------------------------------------------------------------------

function today() {
  return clock.localDate(clock.now());
}

function draftOf(id, kind) {
  const key = `${id}:${kind}`;
  drafts[key] ||= { uuid: crypto.randomUUID(), code: "", note: "", on: today() };
  return drafts[key];
}

function entryForm(ctx, list, student, id, kind) {
  const draft = draftOf(id, kind);
  const choices = list.data[CHOICES[kind]];
  const f = `fu-${kind}`;
  const formEl = h("form", { class: "card fu-form", novalidate: true, "data-testid": `fu-form-${kind}`,
    onsubmit: (e) => submit(e, ctx, list, student, id, kind) },
    h("h2", {}, t(`fu_${kind}_title`)),
    kind === "cause"
      ? h("div", { class: "field" },
        h("label", { for: `${f}-code` }, t("fu_cause_label")),
        h("select", { id: `${f}-code`, name: "code" },
          h("option", { value: "" }, t("fu_choose")),
          choices.map((c) => h("option", { value: c.code, selected: draft.code === c.code }, pick(c, "name")))),
        h("span", { class: "field-error", "data-for": "code" }))
      : h("fieldset", {},
        h("div", { class: "choices", role: "radiogroup", "aria-label": t(`fu_${kind}_title`) },
          choices.map((c) => h("label", { class: "choice" },
            h("input", { type: "radio", name: "code", value: c.code, checked: draft.code === c.code }),
            h("span", {}, pick(c, "name"))))),
        h("span", { class: "field-error", "data-for": "code" })),
    kind === "cause" && h("div", { class: "field" },
      h("label", { for: `${f}-note` }, t("fu_note")),
      h("input", { id: `${f}-note`, name: "note", type: "text", maxlength: String(NOTE_MAX), autocomplete: "off",
        value: draft.note }),
      h("p", { class: "help" }, t("fu_note_help")),
      h("span", { class: "field-error", "data-for": "note" })),
    kind !== "cause" && h("div", { class: "field" },
      h("label", { for: `${f}-on` }, t(`fu_${kind}_on`)),
      h("input", { id: `${f}-on`, name: "on", type: "date", max: today(), value: draft.on }),
      h("span", { class: "field-error", "data-for": "on" })),
    h("button", { type: "submit", class: "save", "data-testid": `fu-save-${kind}` }, t(`fu_save_${kind}`))
  );
  formEl.addEventListener("input", () => {
    const data = new FormData(formEl);
    draft.code = data.get("code") || "";
    if (kind === "cause") draft.note = data.get("note") || "";
    else draft.on = data.get("on") || "";
  });
  return formEl;
}

// The server's checks that the phone can make (hazari/students/services.py, _check).
function check(formEl, kind, draft) {
  let mistakes = 0;
  const mark = (name, message) => {
    formEl.querySelector(`[data-for="${name}"]`).textContent = message || "";
    const input = formEl.querySelector(`[name="${name}"]:not([type=radio])`);
    if (input && message) input.setAttribute("aria-invalid", "true");
    else if (input) input.removeAttribute("aria-invalid");
    if (message) mistakes += 1;
  };
  mark("code", draft.code ? "" : t("fu_choose_one"));
  if (kind === "cause") {
    mark("note", draft.code === "other" && !draft.note.trim() ? t("fu_note_required") : "");
  } else {
    mark("on", !draft.on ? t("fu_date_required") : draft.on > today() ? t("fu_date_future") : "");
  }
  return mistakes;
}

async function submit(event, ctx, list, student, id, kind) {
  event.preventDefault();
  if (saving) return;
  const formEl = event.target;
  const draft = draftOf(id, kind);
  if (check(formEl, kind, draft)) {
    formEl.querySelector("[aria-invalid], input[type=radio]")?.focus();
    return;
  }
  saving = true;
  const button = formEl.querySelector("button.save");
  button.disabled = true;
  try {
    const savedAt = Date.now();
    const on = kind === "cause" ? today() : draft.on;
    await ctx.actions.saveEntry({
      uuid: draft.uuid,
      date: today(), // the day saved: settled entries are pruned by it
      school_id: ctx.bootstrap.school.id,
      student_name: student?.name || "",
      saved_at: savedAt,
      payload: {
        uuid: draft.uuid,
        school_id: ctx.bootstrap.school.id,
        student: id,
        kind,
        code: draft.code,
        note: kind === "cause" ? draft.note.trim() : "",
        on,
        // The phone's own clock, as for captures: the server judges it.
        captured_at: clock.iso(savedAt),
      },
    });
    delete drafts[`${id}:${kind}`];
    // Back to the list, where the child's row shows the entry saved on the phone.
    location.hash = "#followup";
  } finally {
    saving = false;
    button.disabled = false;
  }
}
