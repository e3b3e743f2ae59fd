// Small progressive enhancements. Loaded from our own origin: the CSP forbids inline script.
document.addEventListener("DOMContentLoaded", () => {
  // Ask for confirmation on buttons that say so: <button data-confirm="...">.
  document.querySelectorAll("[data-confirm]").forEach((element) => {
    element.addEventListener("click", (event) => {
      if (!window.confirm(element.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
  // Prevent double submissions: a form's buttons are disabled once it is submitted.
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", () => {
      window.setTimeout(() => form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; }), 0);
    });
  });
});
