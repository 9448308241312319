// Habiter — small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Focus the first field in error, so keyboard and screen-reader users land on it.
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) invalid.focus();
});
