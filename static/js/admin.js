// Names for two of the Django admin's widgets, which assistive technology otherwise gets without one
// (axe: aria-input-field-name, aria-prohibited-attr). Loaded with `defer` by admin/base_site.html, so
// it runs after the widgets' own scripts (in the page's head) have registered their set-up.
"use strict";
{
  // Autocomplete fields (Select2): the combobox is named by the chosen value alone, so an empty one
  // has no name, and neither has the read-only text box that shows the value. Name the combobox by
  // the field's label, then the value ("Voor wie: Jan Peeters"), and the text box by the label.
  const nameComboboxes = () => {
    document.querySelectorAll(".select2-selection[role=combobox]").forEach((combobox) => {
      const select = combobox.closest(".select2-container")?.previousElementSibling;
      const label = select?.id && document.querySelector(`label[for="${select.id}"]`);
      if (!label) return;
      label.id ||= `${select.id}_label`;
      const names = (combobox.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
      if (!names.includes(label.id)) combobox.setAttribute("aria-labelledby", [label.id, ...names].join(" "));
      combobox.querySelector(".select2-selection__rendered[role=textbox]")?.setAttribute("aria-labelledby", label.id);
    });
  };
  // The selection boxes of a many-to-many field (filter_horizontal): the search field's label holds
  // only a magnifier icon whose explanation is an aria-label on a plain span, where it is not allowed
  // and not read. As an image it is allowed, and it names the search field.
  const nameFilterIcons = () => {
    document.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  };
  // Select2 starts in a jQuery ready handler, which runs after DOMContentLoaded: ours, registered
  // later, runs after it. The selection boxes are built on the window's load event, likewise.
  if (window.django?.jQuery) window.django.jQuery(nameComboboxes);
  window.addEventListener("load", () => {
    nameComboboxes();
    nameFilterIcons();
  });
}
