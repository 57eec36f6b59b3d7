// The outbox: every capture saved on this phone, with an explicit state.
//
//   saved ──claim──▶ sending ──receipt──▶ uploaded (accepted or late) · held · rejected · conflict
//     ▲                 │
//     └───release───────┘   no network, a time-out, a 5xx, an ended log-in: still queued
//
// A capture leaves saved/sending only in the transaction that stores the server's receipt
// for it, and no record is deleted before that; settled ones stay for the history and are
// pruned after a while. "sending" outside an upload means the app stopped in the middle of
// one (closed, killed, crashed): the server may or may not have the capture, so the next
// upload first asks /sync/receipts (see sync.js). Captures are uploaded in the order saved,
// so a day's first report always reaches the server before its correction.
//
// The follow-up entries (followup.js) wait in a queue of their own, the same in every way:
// `queue(storeName)` makes one; the module's own functions are the captures' queue.

import { request, transact } from "./db.js";

export const SAVED = "saved";
export const SENDING = "sending";
export const UPLOADED = "uploaded";
export const HELD = "held";
export const REJECTED = "rejected";
export const CONFLICT = "conflict";
export const UNSENT = [SAVED, SENDING];
const KEEP_DAYS = 40;

export function stateOf(receipt) {
  switch (receipt.status) {
    case "accepted":
    case "late":
      return UPLOADED;
    case "held":
      return HELD;
    case "rejected":
      return receipt.code === "conflict" ? CONFLICT : REJECTED;
    default:
      return SAVED; // "unknown": the server never got it, so it goes again
  }
}

const bySaved = (a, b) => a.saved_at - b.saved_at;

function inState(store, state) {
  return request(store.index("state").getAll(state));
}

export function queue(storeName) {
  // Adds a new capture. A second save of the same UUID (a double tap) adds nothing: false.
  function add(record) {
    return transact(storeName, "readwrite", async (store) => {
      if (await request(store.get(record.uuid))) return false;
      await request(store.add({ ...record, state: SAVED, attempts: 0, receipt: null }));
      return true;
    });
  }

  async function all() {
    const records = await transact(storeName, "readonly", (store) => request(store.getAll()));
    return records.sort(bySaved);
  }

  async function unsent(userId) {
    return (await all()).filter((r) => r.user_id === userId && UNSENT.includes(r.state));
  }

  // The oldest saved captures of the user, up to `limit`, marked as being sent.
  function claim(userId, limit, nowMs) {
    return transact(storeName, "readwrite", async (store) => {
      const batch = (await inState(store, SAVED))
        .filter((r) => r.user_id === userId)
        .sort(bySaved)
        .slice(0, limit)
        .map((r) => ({ ...r, state: SENDING, attempts: r.attempts + 1, last_attempt_at: nowMs }));
      for (const r of batch) store.put(r);
      return batch;
    });
  }

  // Stores the server's receipts. A capture already settled stays as it is; a receipt
  // "unknown" (from /sync/receipts) puts its capture back in the queue.
  function settle(receipts, nowMs) {
    return transact(storeName, "readwrite", async (store) => {
      for (const receipt of receipts) {
        const record = await request(store.get(receipt.uuid));
        if (!record || !UNSENT.includes(record.state)) continue;
        const state = stateOf(receipt);
        if (state === SAVED) {
          store.put({ ...record, state });
        } else {
          store.put({ ...record, state, receipt, settled_at: nowMs, last_error: null });
        }
      }
    });
  }

  // Back in the queue, with what went wrong, after a failed upload.
  function release(uuids, error) {
    return transact(storeName, "readwrite", async (store) => {
      for (const uuid of uuids) {
        const record = await request(store.get(uuid));
        if (record && record.state === SENDING) store.put({ ...record, state: SAVED, last_error: error });
      }
    });
  }

  function stuck(userId) {
    return transact(storeName, "readonly", async (store) =>
      (await inState(store, SENDING)).filter((r) => r.user_id === userId).sort(bySaved)
    );
  }

  // Settled captures of days long past: the server has them, the history screen no more.
  function prune(todayIso) {
    const [y, m, d] = todayIso.split("-").map(Number);
    const before = new Date(Date.UTC(y, m - 1, d - KEEP_DAYS)).toISOString().slice(0, 10);
    return transact(storeName, "readwrite", async (store) => {
      for (const record of await request(store.index("date").getAll(IDBKeyRange.upperBound(before, true)))) {
        if (!UNSENT.includes(record.state)) store.delete(record.uuid);
      }
    });
  }

  // A settled record the user has read (a refusal, corrected since): the screens stop showing
  // it. Never a record still to send.
  function dismiss(uuid, nowMs) {
    return transact(storeName, "readwrite", async (store) => {
      const record = await request(store.get(uuid));
      if (record && !UNSENT.includes(record.state)) store.put({ ...record, dismissed_at: nowMs });
    });
  }

  return { add, all, unsent, claim, settle, release, stuck, prune, dismiss };
}

export const { add, all, unsent, claim, settle, release, stuck, prune } = queue("outbox");

// Follow-up entries (followup.js): uploaded to /students/followups/entries, one receipt each.
export const followups = queue("followups");
