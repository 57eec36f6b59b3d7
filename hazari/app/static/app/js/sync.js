// Uploading the outbox, and keeping the school's data fresh.
//
// A cycle runs on app start, on the "online" event, after every save, when the app comes
// back to the screen, and by timer: after a failure with exponential backoff (4 s, 8 s, …,
// at most 10 min, ±20 % so that a district's phones do not all retry at the same second),
// otherwise every 15 minutes to refresh the bootstrap and history. One cycle at a time per
// phone: a Web Lock is held for the upload, so two open tabs never send the same batch, and
// a capture found "sending" while we hold the lock was left by an app that stopped half-way.
//
// The follow-up entries (followup.js) go the same way in the same cycle, after the captures,
// from their own queue to their own endpoint; then the school's follow-up list is fetched
// again: on start, with the bootstrap, after entries went up, and when asked for.

import { ApiError, call } from "./api.js";
import * as clock from "./clock.js";
import { getMeta, setMeta } from "./db.js";
import * as outbox from "./outbox.js";
import { hasRegister, mergeRegister, registerHeld } from "./rollcall.js";

const FIRST_RETRY_MS = 4000;
const MAX_RETRY_MS = 10 * 60 * 1000;
const REFRESH_MS = 15 * 60 * 1000;
const LOCK = "hazari-outbox";
const DEFAULT_BATCH = 50; // the server's limit, until the bootstrap says otherwise

let session = null;
let failures = 0;
let timer = null;
let again = false;
let wantRefresh = false;
let wantFollowups = false;
let wantHistory = false; // the days just uploaded: wanted until fetched, as the follow-ups
const listeners = new Set();

// What the screens show: whether a cycle is running, when the next try is, the last error.
export const status = { running: false, nextRetryAt: null, lastError: null, lastContactAt: null };

export function onChange(listener) {
  listeners.add(listener);
}

function changed(what) {
  for (const listener of listeners) listener(what);
}

export function start(newSession) {
  session = newSession;
  failures = 0;
  wantFollowups = true;
  kick();
}

export function stop() {
  session = null;
  clearTimeout(timer);
  timer = null;
  status.nextRetryAt = null;
}

function schedule(delayMs) {
  clearTimeout(timer);
  timer = setTimeout(() => kick(), delayMs);
}

function backoff() {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + 0.4 * Math.random()));
}

// The network is back: try at once, and start the backoff afresh.
export function online() {
  failures = 0;
  kick();
}

export async function kick({ refresh = false, followups = false } = {}) {
  if (!session) return;
  wantRefresh = wantRefresh || refresh;
  wantFollowups = wantFollowups || followups;
  if (status.running) {
    again = true; // a capture saved during an upload goes in the next round
    return;
  }
  status.running = true;
  clearTimeout(timer);
  timer = null;
  try {
    do {
      again = false;
      const force = wantRefresh;
      wantRefresh = false;
      await cycle(session, force);
    } while (again && session);
    failures = 0;
    status.lastError = null;
    status.nextRetryAt = null;
    schedule(REFRESH_MS);
  } catch (error) {
    status.lastError = error instanceof ApiError ? error.kind : "error";
    if (error instanceof ApiError && error.kind === "auth") {
      // The log-in ended (expired, revoked): the captures stay queued for the next log-in.
      status.nextRetryAt = null;
      changed("session-ended");
    } else {
      failures += 1;
      const delay = error === BUSY ? FIRST_RETRY_MS : backoff();
      status.nextRetryAt = Date.now() + delay;
      schedule(delay);
      if (!(error instanceof ApiError) && error !== BUSY) console.warn("sync", error);
    }
  } finally {
    status.running = false;
    changed("status");
  }
}

const BUSY = new Error("another tab is uploading");

async function exclusively(work) {
  if (!navigator.locks) return work();
  return navigator.locks.request(LOCK, { ifAvailable: true }, async (lock) => {
    if (!lock) throw BUSY;
    return work();
  });
}

async function cycle(s, refresh) {
  let uploaded = false;
  let entriesSent = false;
  await exclusively(async () => {
    await reconcile(s);
    const boot = await getMeta("bootstrap");
    const limit = boot?.data?.limits?.max_captures_per_batch || DEFAULT_BATCH;
    for (;;) {
      const batch = await outbox.claim(s.user.id, limit, Date.now());
      if (batch.length === 0) break;
      changed("outbox");
      await upload(s, batch);
      uploaded = true;
      changed("outbox");
    }
    entriesSent = await uploadEntries(s, limit);
  });
  // What the server holds for the days just uploaded has changed: fetch the history too.
  const stale = wantRefresh;
  wantRefresh = false;
  await refreshData(s, {
    bootstrap: refresh || stale,
    history: refresh || stale || uploaded,
    followups: refresh || stale || entriesSent,
  });
}

// The follow-up entries, oldest first, in batches. One left "sending" by an app that stopped
// simply goes again: the server answers an entry it already has (same UUID, same content)
// with the same receipt and stores nothing twice. Returns whether any went up.
async function uploadEntries(s, limit) {
  const queue = outbox.followups;
  const stuck = await queue.stuck(s.user.id);
  if (stuck.length > 0) await queue.release(stuck.map((r) => r.uuid), null);
  let sent = false;
  for (;;) {
    const batch = await queue.claim(s.user.id, limit, Date.now());
    if (batch.length === 0) break;
    changed("followups");
    let reply;
    try {
      reply = await timed("POST", "students/followups/entries", s, {
        sent_at: clock.iso(Date.now()),
        entries: batch.map((r) => r.payload),
      });
    } catch (error) {
      const kind = error instanceof ApiError ? error.kind : "error";
      await queue.release(batch.map((r) => r.uuid), { kind, status: error.status || 0, at: Date.now() });
      changed("followups");
      throw error;
    }
    await queue.settle(reply.receipts, Date.now());
    await queue.release(batch.map((r) => r.uuid), null);
    sent = true;
    changed("followups");
  }
  return sent;
}

// Round trips with the server's time: each one measures the phone's clock again.
async function timed(method, path, s, body) {
  const sent = Date.now();
  const reply = await call(method, path, { token: s.token, body });
  const received = Date.now();
  status.lastContactAt = received;
  const measured = reply && reply.server_time && clock.measure(reply.server_time, sent, received);
  if (measured) await setMeta("clock", measured);
  return reply;
}

// Captures left "sending" by an app that stopped: ask the server what it has. If it cannot
// be asked, they go back to the queue: sending one again is safe (the server answers a
// capture it already has with its stored receipt), this only saves sending it twice.
async function reconcile(s) {
  const stuck = (await outbox.stuck(s.user.id)).slice(0, 500);
  if (stuck.length === 0) return;
  const uuids = stuck.map((r) => r.uuid);
  try {
    const reply = await timed("POST", "sync/receipts", s, { uuids });
    await outbox.settle(reply.receipts, Date.now());
  } catch (error) {
    const kind = error instanceof ApiError ? error.kind : "error";
    await outbox.release(uuids, { kind, status: error.status || 0, at: Date.now() });
    throw error;
  } finally {
    changed("outbox");
  }
}

async function upload(s, batch) {
  let reply;
  try {
    // sent_at is the phone's own clock, as captured_at is: the server measures the error
    // between the two clocks from it and corrects captured_at by as much.
    const sent = Date.now();
    reply = await call("POST", "sync/captures", {
      token: s.token,
      body: { sent_at: clock.iso(sent), device_id: s.device_id, captures: batch.map((r) => r.payload) },
    });
    status.lastContactAt = Date.now();
    const measured = clock.measure(reply.server_time, sent, Date.now());
    if (measured) await setMeta("clock", measured);
  } catch (error) {
    const kind = error instanceof ApiError ? error.kind : "error";
    await outbox.release(batch.map((r) => r.uuid), { kind, status: error.status || 0, at: Date.now() });
    throw error;
  }
  await outbox.settle(reply.receipts, Date.now());
  // A capture the reply did not mention (it never should) goes back in the queue.
  await outbox.release(batch.map((r) => r.uuid), null);
  // Refused for what the server knows better (enrolment corrected, a closure declared, a
  // posting ended): the phone's copy of the school is out of date.
  if (reply.receipts.some((r) => r.code === "invalid" || r.code === "not_school_day")) wantRefresh = true;
}

// The school's bootstrap (classes, enrolment, staff, calendar, rules) and its last 30 days:
// fetched when missing, when the day changed, or every REFRESH_MS. The follow-up list too,
// where the school keeps a register, and whenever the bootstrap is fetched.
async function refreshData(s, force) {
  const today = clock.localDate(clock.now());
  const due = (saved) => !saved || saved.today !== today || Date.now() - saved.fetched_at > REFRESH_MS;
  let boot = await getMeta("bootstrap");
  let bootFetched = false;
  if (force.bootstrap || due(boot)) {
    // The register the phone holds goes with the request: only changed classes come back.
    const have = boot?.data?.school?.id === s.school_id ? registerHeld(boot.data) : null;
    const path = have === null ? "sync/bootstrap" : `sync/bootstrap?have=${encodeURIComponent(have)}`;
    const data = mergeRegister(boot?.data, await timed("GET", path, s));
    boot = { data, fetched_at: Date.now(), today };
    bootFetched = true;
    await setMeta("bootstrap", boot);
    changed("bootstrap");
  }
  if (force.history) wantHistory = true;
  const history = await getMeta("history");
  if (wantHistory || due(history)) {
    const data = await timed("GET", "app/history", s);
    await setMeta("history", { data, fetched_at: Date.now(), today });
    wantHistory = false;
    changed("history");
  }
  // Wanted until fetched: a failed fetch after an upload is tried again on the next round.
  if (force.followups || bootFetched) wantFollowups = true;
  const list = await getMeta("followups");
  if (hasRegister(boot.data) && (wantFollowups || due(list))) {
    const data = await timed("GET", "students/followups", s);
    await setMeta("followups", { data, fetched_at: Date.now(), today, school_id: boot.data.school.id });
    wantFollowups = false;
    changed("followup-list");
  }
  await outbox.prune(today);
  await outbox.followups.prune(today);
}
