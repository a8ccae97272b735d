// The export page's "select all" box, wired here instead of an inline onchange="" (the CSP forbids those).
// onSelectToggleChange comes from django-import-export's export_selectable_fields.js, loaded by the form.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((box) => {
    box.addEventListener("change", onSelectToggleChange);
  });
});
