// Time in the school's zone, and how wrong the phone's clock is.
//
// The server answers every call with its time. The phone's error is measured as
// server time − phone time at the middle of the round trip, and kept on the phone, so the
// app shows the right day and window even offline with a wrong clock. Captures still carry
// the phone's own time: the server measures the error again when they arrive and judges
// the corrected time (hazari/attendance/rules.py); the app never guesses for it.

let zoneMinutes = 330; // India, +05:30, no daylight saving; replaced by the server's zone
let offsetMs = 0;

export function restore(saved) {
  if (!saved) return;
  offsetMs = saved.offset_ms || 0;
  if (Number.isFinite(saved.zone_minutes)) zoneMinutes = saved.zone_minutes;
}

// From a round trip: returns what to keep on the phone.
export function measure(serverTimeIso, sentMs, receivedMs) {
  const server = Date.parse(serverTimeIso);
  if (!Number.isFinite(server)) return null;
  offsetMs = Math.round(server - (sentMs + receivedMs) / 2);
  const zone = /([+-])(\d\d):?(\d\d)$/.exec(serverTimeIso);
  if (zone) zoneMinutes = (zone[1] === "-" ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3]));
  else if (serverTimeIso.endsWith("Z")) zoneMinutes = 0;
  return { offset_ms: offsetMs, zone_minutes: zoneMinutes, measured_at: receivedMs };
}

export function offset() {
  return offsetMs;
}

// The server's time now, as far as the phone knows it.
export function now() {
  return Date.now() + offsetMs;
}

function shifted(ms) {
  return new Date(ms + zoneMinutes * 60000);
}

const pad = (n) => String(n).padStart(2, "0");

// "2026-07-15" and minutes since midnight, in the school's zone.
export function localDate(ms) {
  return shifted(ms).toISOString().slice(0, 10);
}

export function localMinutes(ms) {
  const d = shifted(ms);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
}

export function hhmm(ms) {
  const d = shifted(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

// ISO 8601 with the zone's offset, as the API wants device times: 2026-07-15T10:30:05+05:30.
export function iso(ms) {
  const body = shifted(ms).toISOString().slice(0, 19);
  const sign = zoneMinutes < 0 ? "-" : "+";
  const z = Math.abs(zoneMinutes);
  return `${body}${sign}${pad(Math.floor(z / 60))}:${pad(z % 60)}`;
}

// The instant of a wall-clock time ("10:00") on a day, in the school's zone.
export function at(isoDate, time) {
  const [y, m, d] = isoDate.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  return Date.UTC(y, m - 1, d, hh, mm) - zoneMinutes * 60000;
}

export function addDays(isoDate, days) {
  const [y, m, d] = isoDate.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
