// Student-wise roll call (issue 15): today's screen for a school whose rules say "students".
//
// The students come with the bootstrap, each stay on the register with its dates: a child is
// on the roll of day D when since ≤ D ≤ until (an empty end is open). Everyone starts
// present; one tap on a child marks absent, and further taps go round the marks the rules
// allow (absent → late → left early → present, or absent ↔ present). No dialog per child:
// a class of 60 is marked in a few taps. The marks live in the draft (today.js) as
// { student id: "A" | "L" | "E" }, present being the absence of a mark; the capture carries
// them as `roll` (every student of the day's roll exactly once, in one of four lists) and the
// server derives the class × gender counts from them, as the running counts here do.

import { h, replace } from "./dom.js";
import { t } from "./i18n.js";

export const PRESENT = "P";
export const ABSENT = "A";
export const LATE = "L";
export const LEFT_EARLY = "E";
const LISTS = { [PRESENT]: "present", [ABSENT]: "absent", [LATE]: "late", [LEFT_EARLY]: "left_early" };
const GENDER = { M: "boys", F: "girls", T: "third_gender" };
const collator = new Intl.Collator("hi");

export function isStudentWise(boot) {
  return boot?.roll_call?.mode === "students";
}

// Whether the school keeps a register of students: then it has children to follow up
// (followup.js). The bootstrap lists them only for a student-wise roll call.
export function hasRegister(boot) {
  return isStudentWise(boot) || (boot?.students || []).length > 0;
}

function marksAllowed(boot) {
  return boot.roll_call?.late_and_left_early ? [PRESENT, ABSENT, LATE, LEFT_EARLY] : [PRESENT, ABSENT];
}

// A child's mark; one the rules no longer allow (they changed since it was made) is present.
export function markOf(boot, marks, id) {
  const mark = marks[id] || PRESENT;
  return marksAllowed(boot).includes(mark) ? mark : PRESENT;
}

function nextMark(boot, mark) {
  const cycle = marksAllowed(boot);
  return cycle[(cycle.indexOf(mark) + 1) % cycle.length];
}

// What the phone holds of the register, for the bootstrap's `have`: "class:hash,…", or
// null when it holds none from the server (a first fetch, or an app from before hashes).
export function registerHeld(boot) {
  const classes = boot?.student_register?.classes;
  if (!classes) return null;
  return Object.entries(classes).map(([c, hash]) => `${c}:${hash}`).join(",");
}

// A bootstrap fetched with `have` carries only the classes that changed: the rest of the
// register is the phone's own, kept where the class's hash is unchanged.
export function mergeRegister(old, data) {
  if (!data.student_register?.partial) return data;
  const before = old?.student_register?.classes || {};
  const kept = new Set(
    Object.entries(data.student_register.classes)
      .filter(([c, hash]) => before[c] === hash)
      .map(([c]) => Number(c)),
  );
  const students = (old?.students || []).filter((s) => kept.has(s.class_no)).concat(data.students);
  return { ...data, students, student_register: { ...data.student_register, partial: false } };
}

// The roll of a day: Map class_no → its students, each child once. A child who moved to
// another class that day is on both stays' lists; the current one is the one that counts.
// Worked out once per bootstrap and day: every tap recounts the whole school.
let lastRoll = { boot: null, date: null, roll: null };

export function rollOn(boot, date) {
  if (lastRoll.boot !== boot || lastRoll.date !== date) lastRoll = { boot, date, roll: makeRoll(boot, date) };
  return lastRoll.roll;
}

function makeRoll(boot, date) {
  const byId = new Map();
  for (const s of boot.students || []) {
    if ((s.since && s.since > date) || (s.until && s.until < date)) continue;
    const seen = byId.get(s.id);
    if (!seen || newer(s, seen)) byId.set(s.id, s);
  }
  const classNos = new Set([...boot.school.classes, ...[...byId.values()].map((s) => s.class_no)]);
  const roll = new Map([...classNos].sort((a, b) => a - b).map((c) => [c, []]));
  for (const s of byId.values()) roll.get(s.class_no).push(s);
  for (const students of roll.values()) {
    students.sort((a, b) => collator.compare(a.section, b.section) || collator.compare(a.name, b.name));
  }
  return roll;
}

// The current stay (no end), else the one that began later: as the server judges it.
function newer(a, b) {
  if (!a.until !== !b.until) return !a.until;
  return (a.since || "") > (b.since || "");
}

// The running counts of some students: present by gender (late and left early are present),
// absent, late, left early.
export function tally(boot, students, marks) {
  const n = { roll: students.length, present: 0, absent: 0, late: 0, left_early: 0, boys: 0, girls: 0, third_gender: 0 };
  for (const s of students) {
    const mark = markOf(boot, marks, s.id);
    if (mark === ABSENT) {
      n.absent += 1;
      continue;
    }
    n.present += 1;
    n[GENDER[s.gender]] += 1;
    if (mark === LATE) n.late += 1;
    if (mark === LEFT_EARLY) n.left_early += 1;
  }
  return n;
}

// The capture's `roll`: every student of the day's roll in exactly one list.
export function rollOf(boot, date, marks) {
  const roll = { present: [], absent: [], late: [], left_early: [] };
  for (const students of rollOn(boot, date).values()) {
    for (const s of students) roll[LISTS[markOf(boot, marks, s.id)]].push(s.id);
  }
  return roll;
}

// A saved capture's roll back into marks (to correct it, or enter a refused one again).
export function marksFrom(roll) {
  const marks = {};
  for (const [mark, list] of Object.entries(LISTS)) {
    if (mark !== PRESENT) for (const id of roll?.[list] || []) marks[id] = mark;
  }
  return marks;
}

export function presentIn(roll) {
  return roll.present.length + (roll.late?.length || 0) + (roll.left_early?.length || 0);
}

export function sizeOf(roll) {
  return presentIn(roll) + roll.absent.length;
}

// The student a receipt's error names ("roll.absent[2]"), for the message beside it.
export function studentOfError(boot, payload, field) {
  const match = /^roll\.(\w+)\[(\d+)\]$/.exec(field || "");
  const id = match && payload.roll?.[match[1]]?.[Number(match[2])];
  if (id == null) return null;
  const s = (boot.students || []).find((x) => x.id === id);
  return s ? `${s.name} (${s.student_id})` : String(id);
}

// --- The form's part ------------------------------------------------------------------------

// The class tabs, the chosen class's running counts and its students. `draft` holds the
// marks and the class shown; `changed` is called after every tap.
export function rollFieldset(boot, date, draft, changed) {
  const roll = rollOn(boot, date);
  draft.marks ||= {};
  if (!roll.has(draft.classNo)) draft.classNo = [...roll.keys()].find((c) => roll.get(c).length) ?? [...roll.keys()][0];
  const withThird = (boot.students || []).some((s) => s.gender === "T");
  const late = marksAllowed(boot).length > 2;

  const tabs = h("div", { class: "class-tabs", "data-testid": "class-tabs" },
    [...roll.keys()].map((c) =>
      h("button", { type: "button", class: "class-tab", "data-class": c },
        h("span", {}, t("class_n", { n: c })),
        h("span", { class: "tab-count" }))));
  const summary = h("div", { class: "roll-summary", "data-testid": "roll-summary", "aria-live": "polite" });
  const list = h("ul", { class: "roll", "data-testid": "roll" });
  const fieldset = h("fieldset", { class: "roll-call" },
    h("legend", {}, t("roll_call")),
    h("p", { class: "help" }, late ? t("roll_help_late") : t("roll_help")),
    h("div", { class: "roll-head" }, tabs, summary),
    list);

  const counts = () => {
    for (const tab of tabs.children) {
      const n = tally(boot, roll.get(Number(tab.dataset.class)), draft.marks);
      tab.setAttribute("aria-pressed", String(Number(tab.dataset.class) === draft.classNo));
      tab.classList.toggle("has-absent", n.absent > 0);
      tab.querySelector(".tab-count").textContent = `${n.present}/${n.roll}`;
    }
    const n = tally(boot, roll.get(draft.classNo), draft.marks);
    const byGender = [`${t("boys")} ${n.boys}`, `${t("girls")} ${n.girls}`];
    if (withThird) byGender.push(`${t("third_gender")} ${n.third_gender}`);
    replace(summary,
      h("p", { class: "roll-total" },
        t("class_n", { n: draft.classNo }), " · ", t("present_of_enrolled", { present: n.present, enrolled: n.roll }),
        " · ", h("span", { class: n.absent ? "absent-count" : "" }, t("roll_absent", { n: n.absent }))),
      h("p", { class: "help" }, t("roll_present_by_gender", { counts: byGender.join(" · ") }),
        late ? ` · ${t("roll_late", { n: n.late })} · ${t("roll_left_early", { n: n.left_early })}` : ""));
  };

  const showClass = () => {
    const students = roll.get(draft.classNo);
    replace(list,
      students.length === 0 && h("li", { class: "help empty" }, t("roll_empty")),
      students.map((s) => h("li", {}, studentButton(boot, s, draft.marks))));
    counts();
  };

  tabs.addEventListener("click", (event) => {
    const tab = event.target.closest(".class-tab");
    if (!tab || Number(tab.dataset.class) === draft.classNo) return;
    draft.classNo = Number(tab.dataset.class);
    showClass();
    changed();
  });
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button.student");
    if (!button) return;
    const id = Number(button.dataset.id);
    const mark = nextMark(boot, markOf(boot, draft.marks, id));
    if (mark === PRESENT) delete draft.marks[id];
    else draft.marks[id] = mark;
    showMark(button, mark);
    counts();
    changed();
  });
  showClass();
  return fieldset;
}

function studentButton(boot, s, marks) {
  const meta = [s.student_id, t(`gender_${s.gender}`)];
  if (s.section) meta.push(t("section_x", { x: s.section }));
  const button = h("button", { type: "button", class: "student", "data-id": s.id },
    h("span", { class: "who" },
      h("span", { class: "name" }, s.name),
      h("span", { class: "meta" }, meta.join(" · "))),
    h("span", { class: "mark" }));
  showMark(button, markOf(boot, marks, s.id));
  return button;
}

function showMark(button, mark) {
  button.dataset.mark = mark;
  button.querySelector(".mark").textContent = t(`mark_${mark}`);
}
