import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

initAll();

// Forms that say data-confirm ask before a change that cannot be undone.
document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
