// Calls to Hazari's API (/api/v1/, see /api/v1/docs): JSON in and out, the bearer token,
// a time-out, and errors sorted by what the app should do about them:
//   network, timeout, server (5xx) → keep the captures and try again later
//   auth (401)                      → the log-in ended: log in again, keep the captures
//   client (other 4xx), locked (429) → show the server's message

export const CONFIG = JSON.parse(document.getElementById("app-config").textContent);
const TIMEOUT_MS = 30000;

export class ApiError extends Error {
  constructor(kind, status = 0, body = null) {
    super(`${kind}${status ? ` ${status}` : ""}`);
    this.kind = kind;
    this.status = status;
    this.body = body;
  }

  get retryable() {
    return ["network", "timeout", "server"].includes(this.kind);
  }
}

function kindOf(status) {
  if (status === 401) return "auth";
  if (status === 429) return "locked";
  if (status >= 500) return "server";
  return "client";
}

export async function call(method, path, { token, body, timeoutMs = TIMEOUT_MS } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    let response;
    try {
      response = await fetch(CONFIG.api + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        cache: "no-store",
        // The token is the only credential: no cookie, so no CSRF question.
        credentials: "omit",
      });
    } catch {
      throw new ApiError(controller.signal.aborted ? "timeout" : "network");
    }
    let data = null;
    if (response.status !== 204) {
      try {
        data = await response.json();
      } catch {
        // A proxy's HTML error page, or a body cut off by the network.
        if (response.ok) throw new ApiError(controller.signal.aborted ? "timeout" : "network");
      }
    }
    if (!response.ok) throw new ApiError(kindOf(response.status), response.status, data);
    return data;
  } finally {
    clearTimeout(timer);
  }
}
