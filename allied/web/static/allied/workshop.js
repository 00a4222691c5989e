// A live workshop screen. live.js tells us (an `allied:version` event on #live) when the
// workshop has a newer version; we then either reload (the phase changed, so the forms on
// the page are for another phase) or swap in the fresh public part from the fragment URL.
// Everything here is an enhancement: without JavaScript, every form still works.

const live = document.getElementById("live");
const announcer = document.getElementById("live-announcer");

function describe(state) {
  const q = state && state.question;
  if (!q) return "";
  if (q.phase === "voting" && q.votes_cast !== null) return `${q.votes_cast} of ${q.voters} have voted.`;
  if (q.phase === "round_robin" && q.current_turn) return `It is ${q.current_turn}'s turn.`;
  // The console's state names who waits to be let in; a participant's never does.
  // Who waits to be let in is for the facilitator, not read out on the room's screen.
  if (!live.dataset.room && Array.isArray(state.waiting) && state.waiting.length) return `Waiting to join: ${state.waiting.join(", ")}.`;
  return "";
}

let swapping = false;
async function swap(state) {
  if (swapping) return;
  swapping = true;
  try {
    const response = await fetch(live.dataset.fragmentUrl, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
    if (!response.ok) return;
    const html = await response.text();
    const active = document.activeElement;
    // Never wipe what someone is typing inside the live region: try again on the next change.
    if (active && live.contains(active) && (active.value || "").length > 0) return;
    live.innerHTML = html;
    startCountdowns();
    const words = describe(state);
    if (announcer && words && announcer.textContent !== words) announcer.textContent = words;
  } finally {
    swapping = false;
  }
}

let reloading = false;
if (live) {
  live.addEventListener("allied:version", async (event) => {
    const state = event.detail && event.detail.state;
    if (state && state.phase_key !== live.dataset.phaseKey) {
      if (reloading) return;
      reloading = true;
      // Words typed but not yet saved are saved before the page changes: a private idea
      // may still be saved (and shared) in the next phase.
      await flushAll();
      window.location.reload();
      return;
    }
    swap(state);
  });
}

// The countdown ticks in the browser from the seconds the server said were left, so a
// wrong clock on someone's laptop does not matter; the server decides when time is up.
let ticker = null;
function startCountdowns() {
  if (ticker) clearInterval(ticker);
  const started = Date.now();
  const clocks = Array.from(document.querySelectorAll(".allied-countdown[data-seconds-left]"));
  if (!clocks.length) return;
  const tick = () => {
    for (const clock of clocks) {
      const total = parseInt(clock.dataset.secondsLeft, 10);
      if (Number.isNaN(total)) continue;
      const left = Math.max(0, total - Math.floor((Date.now() - started) / 1000));
      const minutes = Math.floor(left / 60);
      const seconds = String(left % 60).padStart(2, "0");
      clock.textContent = left > 0 ? `${minutes}:${seconds}` : "time is up";
    }
  };
  tick();
  ticker = setInterval(tick, 1000);
}
startCountdowns();

// Private ideas are saved as the participant types, so nothing is lost on a reload. Each
// box keeps its client id, so saving it again (by typing or with its button) updates the
// same idea rather than adding another.
const savers = [];

// Saves every box with words not yet saved; resolves when each has answered (or failed).
function flushAll() {
  return Promise.all(savers.map((saver) => saver.flush()));
}

function autosave(textarea) {
  const form = textarea.form;
  // form.action would be the hidden input named "action", not the form's address.
  const url = form.getAttribute("action");
  let timer = null;
  let saved = textarea.value;
  const save = async ({ leaving = false } = {}) => {
    clearTimeout(timer);
    if (textarea.value === saved) return;
    const body = new FormData(form);
    try {
      const response = await fetch(url, {
        method: "POST",
        body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        // A page being closed or left may still finish sending.
        keepalive: leaving,
      });
      if (response.ok) saved = body.get("text");
    } catch (error) {
      // Offline for a moment: the next keystroke or the Save button tries again.
    }
  };
  textarea.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(save, 700);
  });
  form.addEventListener("submit", () => clearTimeout(timer));
  savers.push({ flush: () => save(), leave: () => save({ leaving: true }) });
}
document.querySelectorAll("textarea[data-autosave]:not([readonly])").forEach(autosave);
// Leaving the page (a link, closing the tab, the phone locking) saves what was typed too.
window.addEventListener("pagehide", () => {
  if (!reloading) savers.forEach((saver) => saver.leave());
});
