// IndexedDB, the phone's storage for the app: "meta" (the log-in, the school's bootstrap,
// the clock, the history, the follow-up list), "outbox" (every capture, by its UUID) and,
// since version 2, "followups" (every follow-up entry, by its UUID: see followup.js).
//
// Requests are wrapped in promises. Awaiting one inside a transaction is safe: its result
// arrives as a microtask of the same task, before the transaction commits for lack of work.
// Awaiting anything else (fetch, a timer) inside one would let it commit early, so the
// callers never do.

const NAME = "hazari";
const VERSION = 2;
let opening = null;

export function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

// A queue of records to upload (outbox.js), by UUID, with their state and the day saved.
function queueStore(db, name) {
  const store = db.createObjectStore(name, { keyPath: "uuid" });
  store.createIndex("state", "state");
  store.createIndex("date", "date");
}

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(NAME, VERSION);
      req.onupgradeneeded = (event) => {
        const db = req.result;
        // Step by step from the version the phone has: nothing it holds is dropped.
        if (event.oldVersion < 1) {
          db.createObjectStore("meta");
          queueStore(db, "outbox");
        }
        if (event.oldVersion < 2) queueStore(db, "followups");
      };
      req.onsuccess = () => {
        const db = req.result;
        // A newer version of the app opened in another tab: let it upgrade, reopen later.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        resolve(db);
      };
      req.onerror = () => {
        opening = null;
        reject(req.error);
      };
    });
  }
  return opening;
}

// Runs fn(store) in one transaction; resolves with fn's result once the transaction has
// committed, so "saved" is only ever reported for what is on disk.
export async function transact(storeName, mode, fn) {
  const db = await open();
  const tx = db.transaction(storeName, mode);
  const done = new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
    tx.onerror = () => reject(tx.error);
  });
  let result;
  try {
    result = await fn(tx.objectStore(storeName));
  } catch (error) {
    done.catch(() => {}); // the abort below rejects it; the caller hears of `error` instead
    try {
      tx.abort(); // nothing of a failed step is written
    } catch {
      // already finished
    }
    throw error;
  }
  await done;
  return result;
}

export function getMeta(key) {
  return transact("meta", "readonly", (store) => request(store.get(key)));
}

export function setMeta(key, value) {
  return transact("meta", "readwrite", (store) => request(store.put(value, key)));
}

export function deleteMeta(key) {
  return transact("meta", "readwrite", (store) => request(store.delete(key)));
}
