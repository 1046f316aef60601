// The dashboard's print button (TKPKD meetings); a file, since the CSP forbids inline handlers.
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
