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

  // The phone menu: one button folds the navigation and the account controls open and closed.
  const menuButton = document.querySelector(".app-menu-button");
  const menu = document.getElementById("app-menu");
  if (menuButton && menu) {
    menuButton.hidden = false;
    const setOpen = (open) => {
      menuButton.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    };
    menuButton.addEventListener("click", () => setOpen(menuButton.getAttribute("aria-expanded") !== "true"));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menuButton.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        menuButton.focus();
      }
    });
  }

  // Error summary (GOV.UK pattern): it takes the focus after a failed submit, and its links move the
  // focus to the field itself (a plain fragment link would only scroll).
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.querySelectorAll("a[href^='#']").forEach((link) => {
      link.addEventListener("click", (event) => {
        const target = document.getElementById(link.getAttribute("href").slice(1));
        if (!target) return;
        event.preventDefault();
        const legendOrLabel = target.closest("fieldset")?.querySelector("legend")
          || document.querySelector(`label[for="${CSS.escape(target.id)}"]`);
        (legendOrLabel || target).scrollIntoView();
        target.focus({ preventScroll: true });
      });
    });
  }

  // Wide tables scroll inside their own box (Core Branding's table wrappers), with a visible cue and
  // shadows on the side where more columns are.
  const cue = document.body.dataset.tableCue;
  document.querySelectorAll("table.a-table").forEach((table, index) => {
    if (table.closest(".a-table-scrollable-wrapper")) return;
    const outer = document.createElement("div");
    outer.className = "a-table-responsive-wrapper app-table";
    const box = document.createElement("div");
    box.className = "a-table-scrollable-wrapper app-table__box";
    const note = document.createElement("p");
    note.className = "app-table__cue";
    note.id = `app-table-cue-${index}`;
    note.textContent = cue;
    table.parentNode.insertBefore(outer, table);
    outer.append(note, box);
    box.append(table);
    const update = () => {
      const scrollable = box.scrollWidth > box.clientWidth + 1;
      outer.classList.toggle("is-scrollable", scrollable);
      outer.classList.toggle("has-shadow-left", scrollable && box.scrollLeft > 0);
      outer.classList.toggle("has-shadow-right", scrollable && box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
      // A box that scrolls must be reachable by keyboard, and say what it holds.
      if (scrollable) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        const caption = table.querySelector("caption");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : cue);
        box.setAttribute("aria-describedby", note.id);
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute("aria-describedby");
      }
    };
    box.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  });
});
