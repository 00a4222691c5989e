/*
 * live.js: tells a live page when its state has a newer version, and hands it the state.
 *
 * Contract. A page includes <script type="module" src="{% static 'allied/live.js' %}"> (never
 * inline script: the CSP is script-src 'self') and marks one element per live state:
 *
 *   <div data-live-state-url="/workshops/7/state/"     GET: JSON with at least {"version": N}
 *        data-live-events-url="/workshops/7/events/"   GET: text/event-stream (allied.live.bus)
 *        data-live-version="12"                        the version the page was rendered from
 *        data-live-poll-seconds="2"                    optional: settings.LIVE_POLL_SECONDS
 *        data-live-region="workshop-news">             optional: id of the page's own
 *   </div>                                             role="status" / aria-live region
 *
 * - Whenever the state's version rises above the known one, live.js fetches the state URL,
 *   sets data-live-version and dispatches `allied:version` on the element (it bubbles and is
 *   cancelable) with detail {version, state}; the page's own module redraws from `state`.
 *   Announcements carry no data: the state is always fetched, so what a page shows after
 *   an update is exactly what a fresh fetch returns.
 * - News: it comes from the state URL (an event or a poll every data-live-poll-seconds,
 *   2 s, while the event stream is not open; a slow 10 s safety poll while it is). The events
 *   URL gets ?since=<known version>; a reconnecting EventSource adds Last-Event-ID, and the
 *   server replies at once if the client is behind.
 * - Never more than one state fetch at a time (a newer announcement during a fetch queues
 *   one more); after errors the polling interval doubles up to a minute.
 * - Screen readers: live.js creates no live region. If data-live-region names one the page
 *   provides and the new state has a non-empty string `announcement` that differs from the
 *   last one, live.js puts it there, unless a handler called event.preventDefault().
 * - data-live-connection on the element says "streaming" or "polling" (for styles and tests).
 *
 * `follow(element)` starts this for one element and returns a function that stops it; every
 * element with data-live-state-url present when the module loads is followed automatically.
 */

const SLOW_POLL_MS = 10000;
const MAX_DELAY_MS = 60000;
const FETCH_TIMEOUT_MS = 10000;
const followed = new WeakSet();

export function follow(element) {
  if (followed.has(element)) return () => {};
  followed.add(element);

  const stateUrl = element.dataset.liveStateUrl;
  const eventsUrl = element.dataset.liveEventsUrl;
  const pollMs = Math.max(1, Number(element.dataset.livePollSeconds) || 2) * 1000;
  let known = Number(element.dataset.liveVersion) || 0;
  let source = null;
  let timer = null;
  let dueAt = 0;
  let fetching = false;
  let fetchAgain = false;
  let failures = 0;
  let reopenMs = pollMs;
  let lastAnnouncement = "";
  let stopped = false;

  const streaming = () => source !== null && source.readyState === EventSource.OPEN;

  // Sets the next poll. Unless `replace`, an earlier poll already set is kept: a stream that
  // keeps dropping (as under WSGI) must not push the poll back for ever.
  function schedule(replace) {
    if (stopped) return;
    element.dataset.liveConnection = streaming() ? "streaming" : "polling";
    const base = streaming() ? SLOW_POLL_MS : pollMs;
    const delay = Math.min(base * 2 ** failures, MAX_DELAY_MS);
    if (!replace && timer !== null && dueAt <= Date.now() + delay) return;
    clearTimeout(timer);
    dueAt = Date.now() + delay;
    timer = setTimeout(() => {
      timer = null;
      refresh();
    }, delay);
  }

  async function fetchState() {
    const controller = new AbortController();
    const abort = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
    try {
      const response = await fetch(stateUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
        signal: controller.signal,
      });
      if (!response.ok) throw new Error(`The state URL answered ${response.status}.`);
      return await response.json();
    } finally {
      clearTimeout(abort);
    }
  }

  function speak(state, event) {
    const region = element.dataset.liveRegion && document.getElementById(element.dataset.liveRegion);
    const text = typeof state.announcement === "string" ? state.announcement.trim() : "";
    if (!region || !text || text === lastAnnouncement || event.defaultPrevented) return;
    lastAnnouncement = text;
    region.textContent = text;
  }

  async function refresh() {
    if (stopped) return;
    if (fetching) {
      fetchAgain = true;
      return;
    }
    fetching = true;
    try {
      do {
        fetchAgain = false;
        const state = await fetchState();
        failures = 0;
        const version = Number(state && state.version);
        if (!stopped && Number.isFinite(version) && version > known) {
          known = version;
          element.dataset.liveVersion = String(version);
          const event = new CustomEvent("allied:version", {
            bubbles: true,
            cancelable: true,
            detail: { version, state },
          });
          element.dispatchEvent(event);
          speak(state, event);
        }
      } while (fetchAgain && !stopped);
    } catch {
      failures = Math.min(failures + 1, 6);
    } finally {
      fetching = false;
      schedule(true);
    }
  }

  function open() {
    if (stopped || !eventsUrl || typeof EventSource === "undefined") return;
    const url = new URL(eventsUrl, document.baseURI);
    url.searchParams.set("since", String(known));
    const current = new EventSource(url);
    source = current;
    current.addEventListener("open", () => {
      reopenMs = pollMs;
      schedule(false);
    });
    current.addEventListener("version", (message) => {
      let version = NaN;
      try {
        version = Number(JSON.parse(message.data).version);
      } catch {
        return;
      }
      if (version > known) refresh();
    });
    current.addEventListener("error", () => {
      // CONNECTING: the browser reconnects by itself after the server's `retry`, sending
      // Last-Event-ID. CLOSED: it has given up (an error status, say); try again later.
      if (current.readyState === EventSource.CLOSED && source === current) {
        source = null;
        setTimeout(open, reopenMs);
        reopenMs = Math.min(reopenMs * 2, MAX_DELAY_MS);
      }
      schedule(false);
    });
  }

  function catchUp() {
    if (document.visibilityState === "visible") refresh();
  }

  document.addEventListener("visibilitychange", catchUp);
  window.addEventListener("online", catchUp);
  open();
  schedule(true);

  return function stop() {
    stopped = true;
    clearTimeout(timer);
    if (source) source.close();
    source = null;
    document.removeEventListener("visibilitychange", catchUp);
    window.removeEventListener("online", catchUp);
  };
}

for (const element of document.querySelectorAll("[data-live-state-url]")) {
  follow(element);
}
