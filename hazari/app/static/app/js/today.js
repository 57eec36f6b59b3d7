// Today's screen: the window, the capture's state, and the form.
//
// The form is one number field per class and gender with the enrolment beside it (or, where
// the rules take attendance student-wise, the roll call of rollcall.js), the staff with
// present / absent / leave / duty, and the meals served; it checks as the head master types
// (present ≤ enrolled, meals ≤ present in classes 1–8). What is typed is kept as a
// draft (in memory and localStorage) until saved, so a re-render or a killed tab loses
// nothing. The draft's UUID is made once, when the draft starts: however often "save" is
// tapped, it is one capture, and the outbox refuses a second record with the same UUID.

import * as clock from "./clock.js";
import { h, replace } from "./dom.js";
import { formatDay, formatDuration, pick, t } from "./i18n.js";
import * as outbox from "./outbox.js";
import * as rollcall from "./rollcall.js";

const DRAFT_KEY = "hazari-draft";
const GENDERS = ["boys", "girls", "third_gender"];
const LIVE = [outbox.SAVED, outbox.SENDING, outbox.UPLOADED, outbox.HELD];

let draft = loadDraft();
let saving = false;
let checked = false; // after a first save attempt, empty fields are shown as mistakes too

function loadDraft() {
  try {
    return JSON.parse(localStorage.getItem(DRAFT_KEY)) || null;
  } catch {
    return null;
  }
}

function keepDraft() {
  if (draft) localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
  else localStorage.removeItem(DRAFT_KEY);
}

// --- What today looks like -----------------------------------------------------------------

// The server's rule (hazari/attendance/rules.py, window_for): the day's start is the school's
// own or a seasonal timetable's (the calendar day says which), and the state's on-time band
// moves with it. Only a capture that reaches the server inside the window counts as on time.
export function windowOf(boot, date) {
  const rules = boot.rules;
  const day = boot.calendar.find((d) => d.date === date);
  const start = clock.at(date, (day && day.start_time) || boot.school.start_time);
  const shift = start - clock.at(date, rules.opens_at);
  return {
    start,
    onTimeFrom: start,
    onTimeUntil: Math.min(start + rules.on_time_minutes * 60000, clock.at(date, rules.on_time_until) + shift),
    closes: clock.at(date, rules.day_closes_at),
  };
}

function windowText(w, now) {
  if (now < w.start) return t("window_before", { time: clock.hhmm(w.start) });
  if (now >= w.closes) return t("window_closed", { time: clock.hhmm(w.closes) });
  if (now >= w.onTimeFrom && now <= w.onTimeUntil) {
    return t("window_on_time", { time: clock.hhmm(w.onTimeUntil), left: formatDuration(w.onTimeUntil - now) });
  }
  return t("window_late", { time: clock.hhmm(w.closes), left: formatDuration(w.closes - now) });
}

function today(ctx) {
  const boot = ctx.bootstrap;
  const now = clock.now();
  const date = clock.localDate(now);
  const records = ctx.records.filter((r) => r.date === date && r.school_id === boot.school.id);
  const latest = records.at(-1) || null;
  const day = boot.calendar.find((d) => d.date === date) || null;
  const reportedOnServer = (ctx.history?.data?.days || []).some((d) => d.date === date && d.reported);
  return {
    boot,
    now,
    date,
    day,
    latest,
    window: windowOf(boot, date),
    // A correction needs a reason once the day has a report, here or on the server.
    correction:
      reportedOnServer ||
      records.some((r) => [outbox.SAVED, outbox.SENDING, outbox.UPLOADED].includes(r.state)) ||
      latest?.receipt?.code === "reason_required",
  };
}

function mode(info) {
  if (info.day && !info.day.open) return "closed";
  if (info.now >= info.window.closes) return "over";
  if (draft && draft.date === info.date) return "form";
  if (!info.latest || !LIVE.includes(info.latest.state)) return "form";
  return "status";
}

// --- The screen ------------------------------------------------------------------------------

export function renderToday(root, ctx) {
  const info = today(ctx);
  const m = mode(info);
  if (m === "form" && (!draft || draft.date !== info.date)) startDraft(info);
  // Redraw the form only when the screen changes shape: a background upload must not take
  // the cursor out of the field being typed in. (New school data, rare, does redraw it.)
  const shape = [m, info.date, draft?.uuid, info.correction, ctx.language, info.boot.version].join(":");
  if (root.dataset.shape !== shape) {
    root.dataset.shape = shape;
    replace(
      root,
      h("div", { class: "card", "data-testid": "today" },
        h("h1", {}, t("today_title")),
        h("p", { class: "school" }, pick(info.boot.school, "name"), " · ", formatDay(info.date)),
        h("p", { class: "window", "data-testid": "window" }),
        h("div", { class: "followup-slot" })
      ),
      h("div", { class: "clock-slot" }),
      h("div", { class: "status-slot" }),
      m === "closed" &&
        h("p", { class: "notice", "data-testid": "closed-day" }, t("not_school_day", { why: pick(info.day, "label") })),
      m === "form" && form(ctx, info),
      h("p", { class: "ready-slot help" })
    );
  }
  update(root, ctx, info, m);
}

// The parts that change while the screen stays: time left, clock, capture state, readiness.
function update(root, ctx, info, m) {
  root.querySelector("[data-testid=window]").textContent =
    m === "closed" ? "" : windowText(info.window, info.now);
  const skewMs = Math.abs(clock.offset());
  const limitMs = info.boot.rules.max_clock_skew_minutes * 60000;
  replace(
    root.querySelector(".clock-slot"),
    skewMs > limitMs &&
      h("p", { class: "warning", role: "alert", "data-testid": "clock-warning" },
        t("clock_wrong", { minutes: Math.round(skewMs / 60000) }))
  );
  const showStatus = info.latest && (m !== "form" || !LIVE.includes(info.latest.state) || draft?.correcting);
  replace(root.querySelector(".status-slot"), showStatus && statusCard(ctx, info, m));
  // The way to the follow-up of absent children, where the school keeps a register.
  const list = ctx.followups?.school_id === info.boot.school.id ? ctx.followups.data : null;
  replace(
    root.querySelector(".followup-slot"),
    rollcall.hasRegister(info.boot) &&
      h("a", { class: "button secondary", href: "#followup", "data-testid": "open-followup" },
        list ? t("fu_open_n", { n: list.students.length }) : t("fu_title"))
  );
  replace(
    root.querySelector(".ready-slot"),
    ctx.offlineReady && h("span", { "data-testid": "offline-ready" }, "✓ ", t("offline_ready"))
  );
}

// --- The capture's state ----------------------------------------------------------------------

const DO = { held: "do_held", rejected: "do_rejected", conflict: "do_conflict" };

function statusCard(ctx, info, m) {
  const r = info.latest;
  const receipt = r.receipt;
  const roll = r.payload.roll;
  const present = roll
    ? rollcall.presentIn(roll)
    : r.payload.classes.reduce((n, c) => n + c.boys + c.girls + c.third_gender, 0);
  const enrolled = roll
    ? rollcall.sizeOf(roll)
    : info.boot.classes.reduce((n, c) => n + c.boys + c.girls + c.third_gender, 0);
  const retry = r.state === outbox.SAVED && ctx.sync.nextRetryAt;
  return h("section", { class: `card status state-${r.state}`, "data-testid": "capture-status", "data-state": r.state },
    h("h2", {}, t(`state_${r.state}`)),
    h("p", { "data-testid": "status-present" }, t("present_of_enrolled", { present, enrolled }),
      roll && ` · ${t("roll_absent", { n: roll.absent.length })}`),
    h("p", { class: "help" }, t("saved_at", { time: clock.hhmm(r.saved_at + clock.offset()) }),
      r.settled_at && ` · ${t("uploaded_at", { time: clock.hhmm(r.settled_at + clock.offset()) })}`),
    receipt && h("p", { class: "receipt", "data-testid": "receipt" },
      pick(receipt, "message"), receipt.version ? ` · ${t("version_n", { n: receipt.version })}` : ""),
    receipt?.errors?.length > 0 &&
      h("ul", { class: "errorlist" }, receipt.errors.map((e) => {
        // A roll call's error names a place in its lists ("roll.absent[2]"): say which child.
        const who = rollcall.studentOfError(info.boot, r.payload, e.field);
        return h("li", {}, who && `${who}: `, pick(e, "message"));
      })),
    DO[r.state] && h("p", { class: "todo" }, t(DO[r.state])),
    retry && h("p", { class: "help", "data-testid": "retry" },
      t("retry_in", { left: t("seconds", { s: Math.max(1, Math.round((retry - Date.now()) / 1000)) }) })),
    outbox.UNSENT.includes(r.state) && navigator.onLine &&
      h("button", { type: "button", class: "secondary", onclick: () => ctx.actions.sendNow() }, t("send_now")),
    m === "status" &&
      h("button", { type: "button", class: "secondary", "data-testid": "correct", onclick: () => correct(ctx, info) },
        t("correct"))
  );
}

function correct(ctx, info) {
  startDraft(info, info.latest);
  draft.correcting = true;
  keepDraft();
  ctx.actions.render();
}

// --- The form ---------------------------------------------------------------------------------

function startDraft(info, from = null) {
  // A rejected capture's figures are the best start for entering it again.
  const source = from || (info.latest && !LIVE.includes(info.latest.state) ? info.latest : null);
  const counts = {};
  const staff = {};
  for (const c of source?.payload.classes || []) {
    for (const g of GENDERS) counts[`${c.class_no}_${g}`] = String(c[g]);
  }
  for (const s of source?.payload.staff || []) staff[s.posting_id] = s.status;
  draft = {
    uuid: crypto.randomUUID(),
    date: info.date,
    correcting: false,
    counts,
    staff,
    meals: source?.payload.meals_served == null ? "" : String(source.payload.meals_served),
    mealsReason: source?.payload.meals_reason || "",
    mealsNote: source?.payload.meals_note || "",
    reason: "",
    // The roll call's marks (absent, late, left early; present unmarked) and the class shown.
    marks: rollcall.marksFrom(source?.payload.roll),
    classNo: null,
  };
  checked = false;
  keepDraft();
}

function postedOn(boot, date) {
  return boot.staff.filter((s) => s.start_date <= date && (!s.end_date || s.end_date >= date));
}

function mealClasses(boot) {
  return new Set(boot.limits.meal_classes);
}

function numberField(key, label, max) {
  return h("input", {
    type: "text",
    inputmode: "numeric",
    pattern: "[0-9]*",
    autocomplete: "off",
    enterkeyhint: "next",
    maxlength: "5",
    class: "count",
    name: key,
    "aria-label": label,
    "data-max": max,
    value: draft.counts[key] ?? "",
  });
}

function form(ctx, info) {
  const boot = info.boot;
  const withThird = boot.classes.some((c) => c.third_gender > 0);
  const genders = withThird ? GENDERS : GENDERS.slice(0, 2);
  const staff = postedOn(boot, info.date);
  const meals = boot.school.classes.some((c) => mealClasses(boot).has(c));
  for (const s of staff) draft.staff[s.posting_id] ||= "P";

  const rows = boot.classes.map((c) =>
    h("tr", {},
      h("th", { scope: "row" }, t("class_n", { n: c.class_no })),
      genders.map((g) =>
        h("td", {},
          h("div", { class: "cell" },
            numberField(`${c.class_no}_${g}`, `${t("class_n", { n: c.class_no })} · ${t(g)} (${t("enrolled_n", { n: c[g] })})`, c[g]),
            h("span", { class: "of" }, `/ ${c[g]}`)),
          h("span", { class: "field-error", "data-for": `${c.class_no}_${g}` })))
    )
  );
  const studentWise = rollcall.isStudentWise(boot);
  const formEl = h("form", { class: "capture", novalidate: true, "data-testid": "capture-form", onsubmit: (e) => submit(e, ctx, info) },
    studentWise
      ? rollcall.rollFieldset(boot, info.date, draft, () => {
        keepDraft();
        check(formEl, info);
      })
      : h("fieldset", {},
        h("legend", {}, t("students_present")),
        h("table", { class: "counts" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }), genders.map((g) => h("th", { scope: "col" }, t(g))))),
          h("tbody", {}, rows))),
    h("fieldset", { "data-testid": "staff" },
      h("legend", {}, t("staff")),
      staff.length === 0 && h("p", {}, t("no_staff")),
      staff.map((s) => staffRow(s))),
    meals && h("div", { class: "field" },
      h("label", { for: "meals" }, t("meals")),
      h("input", { id: "meals", name: "meals", type: "text", inputmode: "numeric", pattern: "[0-9]*",
        autocomplete: "off", maxlength: "6", class: "count", value: draft.meals }),
      h("p", { class: "help", "data-help": "meals" }),
      h("span", { class: "field-error", "data-for": "meals" })),
    // No meal today: why (the server's list, from the bootstrap), and a note for "other".
    meals && h("div", { class: "field" },
      h("label", { for: "meals_reason" }, t("meals_reason")),
      h("select", { id: "meals_reason", name: "meals_reason" },
        h("option", { value: "" }, t("meals_were_served")),
        (boot.meal_reasons || []).map((r) =>
          h("option", { value: r.code, selected: draft.mealsReason === r.code }, pick(r, "name")))),
      h("span", { class: "field-error", "data-for": "meals_reason" })),
    meals && h("div", { class: "field" },
      h("label", { for: "meals_note" }, t("meals_note")),
      h("input", { id: "meals_note", name: "meals_note", type: "text", maxlength: "200", autocomplete: "off", value: draft.mealsNote }),
      h("span", { class: "field-error", "data-for": "meals_note" })),
    info.correction && h("div", { class: "field" },
      h("label", { for: "reason" }, t("reason")),
      h("textarea", { id: "reason", name: "reason", maxlength: "300", rows: "2" }, draft.reason),
      h("span", { class: "field-error", "data-for": "reason" })),
    h("div", { class: "savebar" },
      h("p", { class: "totals", "data-testid": "totals" }),
      h("p", { class: "field-error", "data-for": "form", role: "alert" }),
      h("button", { type: "submit", class: "save", "data-testid": "save" },
        info.correction ? t("save_correction") : t("save")),
      draft.correcting && h("button", { type: "button", class: "secondary", onclick: () => cancel(ctx) }, t("cancel")))
  );
  formEl.addEventListener("input", (e) => onInput(e, formEl, info));
  formEl.addEventListener("keydown", (e) => nextOnEnter(e, formEl));
  check(formEl, info);
  return formEl;
}

function staffRow(s) {
  const name = `staff-${s.posting_id}`;
  return h("div", { class: "staff-row" },
    h("p", { class: "who" }, s.name, " ", h("span", { class: "help" }, s.designation)),
    h("div", { class: "choices", role: "radiogroup", "aria-label": s.name },
      ["P", "A", "L", "D"].map((code) =>
        h("label", { class: "choice" },
          h("input", { type: "radio", name, value: code, checked: draft.staff[s.posting_id] === code }),
          h("span", {}, t(`staff_${code}`))))));
}

function cancel(ctx) {
  draft = null;
  keepDraft();
  ctx.actions.render();
}

// Enter on the phone's keypad ("next") moves to the following number field.
function nextOnEnter(event, formEl) {
  if (event.key !== "Enter" || event.target.tagName !== "INPUT") return;
  event.preventDefault();
  const fields = [...formEl.querySelectorAll("input.count")];
  const next = fields[fields.indexOf(event.target) + 1];
  if (next) next.focus();
  else formEl.querySelector("button.save").focus();
}

function onInput(event, formEl, info) {
  const el = event.target;
  if (el.classList.contains("count")) {
    const digits = el.value.replace(/\D/g, "");
    if (digits !== el.value) el.value = digits;
  }
  if (el.name === "meals") draft.meals = el.value;
  else if (el.name === "meals_reason") draft.mealsReason = el.value;
  else if (el.name === "meals_note") draft.mealsNote = el.value;
  else if (el.name === "reason") draft.reason = el.value;
  else if (el.type === "radio") draft.staff[el.name.slice("staff-".length)] = el.value;
  else if (el.classList.contains("count")) draft.counts[el.name] = el.value;
  keepDraft();
  check(formEl, info);
}

// Checks the whole form, shows each mistake beside its field and the totals; returns the
// number of mistakes.
function check(formEl, info) {
  const boot = info.boot;
  let mistakes = 0;
  const mark = (key, message) => {
    const slot = formEl.querySelector(`[data-for="${key}"]`);
    if (slot) slot.textContent = message || "";
    const input = formEl.querySelector(`[name="${key}"]`);
    if (input && message) input.setAttribute("aria-invalid", "true");
    else if (input) input.removeAttribute("aria-invalid");
    if (message) mistakes += 1;
  };
  let present = 0;
  let enrolled = 0;
  let presentForMeals = 0;
  const meals = mealClasses(boot);
  if (rollcall.isStudentWise(boot)) {
    for (const [classNo, students] of rollcall.rollOn(boot, info.date)) {
      const n = rollcall.tally(boot, students, draft.marks || {});
      present += n.present;
      enrolled += n.roll;
      if (meals.has(classNo)) presentForMeals += n.present;
    }
  }
  for (const input of formEl.querySelectorAll("table input.count")) {
    const max = Number(input.dataset.max);
    const [classNo] = input.name.split("_");
    enrolled += max;
    if (input.value === "") {
      mark(input.name, checked ? t("required_count") : "");
      continue;
    }
    const n = Number(input.value);
    present += n;
    if (meals.has(Number(classNo))) presentForMeals += n;
    mark(input.name, n > max ? t("more_than_enrolled", { n: max }) : "");
  }
  const mealsInput = formEl.querySelector("[name=meals]");
  if (mealsInput) {
    formEl.querySelector("[data-help=meals]").textContent = t("meals_help", { n: presentForMeals });
    const n = Number(mealsInput.value);
    mark("meals", mealsInput.value !== "" && n > presentForMeals
      ? t("meals_too_many", { meals: n, present: presentForMeals }) : "");
    // The server's rules (hazari/attendance/checks.py), checked as the head master types.
    const why = draft.mealsReason;
    mark("meals_reason", why && n > 0 ? t("meals_reason_with_meals")
      : checked && !why && mealsInput.value !== "" && n === 0 ? t("meals_reason_missing") : "");
    mark("meals_note", checked && why === "other" && !draft.mealsNote.trim() ? t("meals_note_missing") : "");
  }
  const reason = formEl.querySelector("[name=reason]");
  if (reason) mark("reason", checked && !reason.value.trim() ? t("reason_required") : "");
  formEl.querySelector("[data-testid=totals]").textContent = t("present_of_enrolled", { present, enrolled }) +
    (rollcall.isStudentWise(boot) ? ` · ${t("roll_absent", { n: enrolled - present })}` : "");
  mark("form", checked && mistakes ? t("fix_errors") : "");
  return mistakes;
}

async function submit(event, ctx, info) {
  event.preventDefault();
  // A second tap while the first is being saved does nothing; one after it finds the
  // capture already in the outbox (same UUID) and adds nothing either.
  if (saving) return;
  saving = true;
  const formEl = event.target;
  const button = formEl.querySelector("button.save");
  button.disabled = true;
  try {
    checked = true;
    const mistakes = check(formEl, info);
    if (mistakes) {
      formEl.querySelector("[aria-invalid]")?.focus();
      return;
    }
    if (clock.now() < info.window.start) {
      // The server would refuse it: entry opens at the school's start time.
      formEl.querySelector('[data-for="form"]').textContent = windowText(info.window, clock.now());
      return;
    }
    await ctx.actions.save(captureOf(formEl, info));
    draft = null;
    checked = false;
    keepDraft();
    ctx.actions.render();
  } finally {
    saving = false;
    button.disabled = false;
  }
}

function captureOf(formEl, info) {
  const boot = info.boot;
  const savedAt = Date.now();
  const counts = (c, g) => Number(draft.counts[`${c.class_no}_${g}`] || 0);
  const studentWise = rollcall.isStudentWise(boot);
  return {
    uuid: draft.uuid,
    date: info.date,
    school_id: boot.school.id,
    saved_at: savedAt,
    payload: {
      uuid: draft.uuid,
      school_id: boot.school.id,
      date: info.date,
      // The phone's own clock, never corrected here: the server corrects it (see clock.js).
      captured_at: clock.iso(savedAt),
      // Student-wise, the server derives the counts from the marks.
      classes: studentWise ? [] : boot.classes.map((c) => ({
        class_no: c.class_no,
        boys: counts(c, "boys"),
        girls: counts(c, "girls"),
        third_gender: counts(c, "third_gender"),
      })),
      ...(studentWise && { roll: rollcall.rollOf(boot, info.date, draft.marks || {}) }),
      staff: postedOn(boot, info.date).map((s) => ({ posting_id: s.posting_id, status: draft.staff[s.posting_id] || "P" })),
      meals_served: formEl.querySelector("[name=meals]") && draft.meals !== "" ? Number(draft.meals) : null,
      meals_reason: formEl.querySelector("[name=meals]") && draft.mealsReason ? draft.mealsReason : null,
      meals_note: formEl.querySelector("[name=meals]") ? draft.mealsNote.trim() : "",
      reason: info.correction ? draft.reason.trim() : "",
    },
  };
}
