// The log-in screen. The app logs in with the API (POST /api/v1/auth/token) once, while
// online; the token, the school's bootstrap and the outbox then live on the phone.

import { h, replace } from "./dom.js";
import { t } from "./i18n.js";

let busy = false;
// What was typed, kept across a redraw (the language switch redraws the screen).
const typed = { userId: null, password: "" };

export function renderLogin(root, ctx) {
  const message = h("p", { class: "error", role: "alert", "data-testid": "login-error" }, ctx.notice || "");
  const userId = h("input", {
    id: "user-id", name: "user_id", type: "text", autocomplete: "username", autocapitalize: "characters",
    spellcheck: "false", required: true, value: typed.userId ?? ctx.lastUserId ?? "",
    oninput: () => { typed.userId = userId.value; },
  });
  const password = h("input", {
    id: "password", name: "password", type: "password", autocomplete: "current-password", required: true,
    value: typed.password, oninput: () => { typed.password = password.value; },
  });
  const button = h("button", { type: "submit" }, t("login_button"));
  const form = h("form", { class: "card", "data-testid": "login" },
    h("h1", {}, t("login_title")),
    h("p", { class: "help" }, t("login_intro")),
    message,
    h("label", { for: "user-id" }, t("user_id")),
    userId,
    h("p", { class: "help" }, t("user_id_help")),
    h("label", { for: "password" }, t("password")),
    password,
    button);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    button.disabled = true;
    message.textContent = navigator.onLine ? t("loading_school") : t("login_offline");
    try {
      const error = await ctx.actions.login(userId.value.trim(), password.value);
      if (error) message.textContent = error;
      else typed.password = "";
    } finally {
      busy = false;
      button.disabled = false;
    }
  });
  replace(root, form);
}
