// Submit the language form as soon as a language is picked. The form also has a button,
// so it works without this script.
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.submit());
}
