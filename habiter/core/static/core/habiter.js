// Habiter — small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Focus the first field in error, so keyboard and screen-reader users land on it.
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) invalid.focus();
});

// On a phone the main menu folds behind a « Menu » button; without this file it stays unfolded.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  if (!toggle) return;
  const header = toggle.closest(".site-header");
  header.classList.add("site-header--foldable");
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    header.classList.toggle("site-header--open", open);
  });
});

// The household page's tabs are anchors (#chronologie, #argent…): the shown one is marked for assistive technology.
function markCurrentTab() {
  const tabs = document.querySelectorAll(".tabs a[href^='#']");
  if (!tabs.length) return;
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  const wanted = target && target.parentElement.classList.contains("tab-panels");
  tabs.forEach((tab, index) => {
    const current = wanted ? tab.getAttribute("href") === location.hash : index === 0;
    if (current) tab.setAttribute("aria-current", "true");
    else tab.removeAttribute("aria-current");
  });
}
document.addEventListener("DOMContentLoaded", markCurrentTab);
window.addEventListener("hashchange", markCurrentTab);

// A part of a form that matters for one choice only (`data-shown-when="field=value"`) is hidden while another is
// chosen; without this file it stays shown, its legend saying when it applies.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-shown-when]").forEach((part) => {
    const [name, value] = part.dataset.shownWhen.split("=");
    const field = part.form && part.form.elements.namedItem(name);
    if (!field) return;
    const update = () => {
      part.hidden = field.value !== value;
    };
    field.addEventListener("change", update);
    update();
  });
});
