// The Hazari app: start-up, the frame (header, tabs), log-in and log-out, and the glue
// between the screens, the outbox and the uploader.

import { ApiError, CONFIG, call } from "./api.js";
import * as clock from "./clock.js";
import { deleteMeta, getMeta, setMeta } from "./db.js";
import { h, replace } from "./dom.js";
import { renderFollowups } from "./followup.js";
import { renderHistory } from "./history.js";
import { lang, otherLanguageName, pick, t, toggleLanguage } from "./i18n.js";
import { renderLogin } from "./login.js";
import * as outbox from "./outbox.js";
import { hasRegister } from "./rollcall.js";
import * as sync from "./sync.js";
import { renderToday } from "./today.js";

const state = {
  session: null, // { token, expires_at, user, school_id, device_id } from POST /auth/token
  bootstrap: null, // { data, fetched_at, today } from GET /sync/bootstrap
  history: null, // { data, fetched_at, today } from GET /app/history
  records: [], // the outbox
  followups: null, // { data, fetched_at, today, school_id } from GET /students/followups
  entries: [], // the follow-up entries' queue
  deviceId: "",
  persisted: false,
  offlineReady: false,
  notice: "",
  lastUserId: "",
};

const screen = document.getElementById("screen");
const tabs = document.getElementById("tabs");

function route() {
  if (location.hash === "#history") return "history";
  if (location.hash.startsWith("#followup")) return "followup";
  return "today";
}

// What this user has not yet uploaded: captures and follow-up entries.
function unsentCount() {
  return [...state.records, ...state.entries].filter(
    (r) => r.user_id === state.session?.user.id && outbox.UNSENT.includes(r.state)
  ).length;
}

function ctx() {
  return {
    ...state,
    bootstrap: state.bootstrap?.data || null,
    language: lang(),
    sync: sync.status,
    actions: { login, save, saveEntry, dismissEntry, sendNow, render },
  };
}

// --- The frame --------------------------------------------------------------------------------

function renderFrame() {
  document.title = t("app_name");
  document.querySelector(".brand").textContent = t("app_name");
  const switcher = document.getElementById("lang");
  switcher.textContent = otherLanguageName();
  switcher.setAttribute("aria-label", `${t("language")}: ${otherLanguageName()}`);
  const unsent = unsentCount();
  replace(
    document.getElementById("net"),
    h("span", { class: navigator.onLine ? "online" : "offline" }, navigator.onLine ? t("online") : t("offline")),
    unsent > 0 && h("span", { class: "to-send", "data-testid": "to-send" }, t("to_send", { count: unsent }))
  );
  tabs.hidden = !state.session;
  if (state.session) {
    const current = route();
    replace(
      tabs,
      h("a", { href: "#today", "aria-current": current === "today" ? "page" : null }, t("nav_today")),
      hasRegister(state.bootstrap?.data) &&
        h("a", { href: "#followup", "data-testid": "tab-followup", "aria-current": current === "followup" ? "page" : null },
          t("nav_followup")),
      h("a", { href: "#history", "aria-current": current === "history" ? "page" : null }, t("nav_history")),
      h("button", { type: "button", "data-testid": "logout", onclick: logout }, t("nav_logout"))
    );
  }
}

function render() {
  renderFrame();
  if (!state.session) {
    delete screen.dataset.shape;
    renderLogin(screen, ctx());
  } else if (!state.bootstrap) {
    delete screen.dataset.shape;
    replace(screen, h("p", { class: "card loading" }, state.notice || t("loading_school")));
  } else if (route() === "history") {
    delete screen.dataset.shape;
    renderHistory(screen, ctx());
  } else if (route() === "followup") {
    renderFollowups(screen, ctx());
  } else {
    renderToday(screen, ctx());
  }
}

// --- Log-in and log-out -----------------------------------------------------------------------

async function login(userId, password) {
  let reply;
  try {
    reply = await call("POST", "auth/token", {
      body: { user_id: userId, password, device_id: state.deviceId },
    });
  } catch (error) {
    if (error instanceof ApiError && error.body?.message_en) return pick(error.body, "message");
    return navigator.onLine ? t("server_unreachable") : t("login_offline");
  }
  if (!reply.school_id) {
    call("DELETE", "auth/token", { token: reply.token }).catch(() => {});
    return t("login_not_school");
  }
  const session = { ...reply, device_id: state.deviceId };
  await setMeta("session", session);
  localStorage.setItem("hazari-user-id", userId);
  if (state.bootstrap?.data?.school.id !== session.school_id) {
    // Another school's data must not show, nor be taken for this school's.
    await deleteMeta("bootstrap");
    await deleteMeta("history");
    await deleteMeta("followups");
    state.bootstrap = null;
    state.history = null;
    state.followups = null;
  }
  state.session = session;
  state.notice = "";
  askToPersist();
  sync.start(session); // fetches the bootstrap, then uploads whatever was waiting
  render();
  return null;
}

// Unsent captures stay on the phone whatever the answer; the warning says so.
function logout() {
  const unsent = unsentCount();
  if (unsent === 0) return endSession();
  const dialog = h("dialog", { class: "card", "data-testid": "logout-warning" },
    h("h2", {}, t("logout_unsent_title")),
    h("p", {}, unsent === 1 ? t("logout_unsent_one") : t("logout_unsent", { count: unsent })),
    h("div", { class: "actions" },
      h("button", { type: "button", "data-testid": "logout-stay", onclick: () => dialog.close() }, t("logout_stay")),
      h("button", { type: "button", class: "danger", "data-testid": "logout-anyway",
        onclick: () => { dialog.close(); endSession(); } }, t("logout_anyway"))));
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

async function endSession() {
  const token = state.session?.token;
  sync.stop();
  state.session = null;
  state.bootstrap = null;
  state.history = null;
  state.followups = null;
  await deleteMeta("session");
  await deleteMeta("bootstrap");
  await deleteMeta("history");
  await deleteMeta("followups");
  render();
  // End the token on the server too; offline, it simply expires.
  if (token) call("DELETE", "auth/token", { token, timeoutMs: 10000 }).catch(() => {});
}

// --- Captures ---------------------------------------------------------------------------------

async function save(record) {
  await outbox.add({ ...record, user_id: state.session.user.id });
  state.records = await outbox.all();
  sync.kick();
}

// --- Follow-up entries -------------------------------------------------------------------------

async function saveEntry(record) {
  await outbox.followups.add({ ...record, user_id: state.session.user.id });
  state.entries = await outbox.followups.all();
  sync.kick();
}

async function dismissEntry(uuid) {
  await outbox.followups.dismiss(uuid, Date.now());
  state.entries = await outbox.followups.all();
  render();
}

function sendNow() {
  sync.online();
}

async function reload(what) {
  if (what === "session-ended") {
    state.session = null;
    state.notice = t("session_ended");
    await deleteMeta("session");
    sync.stop();
  }
  if (what === "bootstrap") state.bootstrap = await getMeta("bootstrap");
  if (what === "history") state.history = await getMeta("history");
  if (what === "followup-list") state.followups = await getMeta("followups");
  state.records = await outbox.all();
  state.entries = await outbox.followups.all();
  render();
}

// --- Start ------------------------------------------------------------------------------------

async function askToPersist() {
  if (!navigator.storage?.persist) return;
  state.persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
}

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register(CONFIG.sw, { scope: CONFIG.scope });
    await navigator.serviceWorker.ready;
    state.offlineReady = true;
    render();
  } catch (error) {
    console.warn("service worker", error);
  }
}

async function start() {
  state.deviceId = (await getMeta("device_id")) || crypto.randomUUID();
  await setMeta("device_id", state.deviceId);
  const savedClock = await getMeta("clock");
  clock.restore(savedClock);
  sync.status.lastContactAt = savedClock?.measured_at || null;
  state.session = (await getMeta("session")) || null;
  state.bootstrap = (await getMeta("bootstrap")) || null;
  state.history = (await getMeta("history")) || null;
  state.followups = (await getMeta("followups")) || null;
  state.records = await outbox.all();
  state.entries = await outbox.followups.all();
  state.lastUserId = localStorage.getItem("hazari-user-id") || "";
  if (navigator.storage?.persisted) state.persisted = await navigator.storage.persisted();

  document.getElementById("lang").addEventListener("click", () => {
    toggleLanguage();
    render();
  });
  window.addEventListener("hashchange", () => {
    // The follow-up list, opened online, is fetched again when it is more than a minute old.
    const list = state.followups;
    if (route() === "followup" && navigator.onLine && (!list || Date.now() - list.fetched_at > 60000)) {
      sync.kick({ followups: true });
    }
    render();
  });
  window.addEventListener("online", () => {
    renderFrame();
    sync.online();
  });
  window.addEventListener("offline", renderFrame);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") sync.kick();
  });
  sync.onChange((what) => reload(what));
  // The time left in the window, and the next retry, count down on screen. (The log-in
  // screen is never redrawn by a timer: it would lose what is being typed.)
  setInterval(() => state.session && state.bootstrap && render(), 10000);

  render();
  if (state.session) sync.start(state.session);
  registerWorker();
}

start();
