// Live updates and confirmations for the jobq dashboard. No framework, no polling
// while it works: the page listens to the server's event stream (/api/events,
// Server-Sent Events) and, when jobs change, fetches the current URL with
// `X-Live: 1` (the server answers with the page body only, already escaped) and
// swaps each `[data-live]` region whose content changed. Bursts are coalesced.
// Only when the stream cannot be opened (old browser, Redis away: 503) does the
// page poll every `data-refresh-ms`, and it goes back to the stream when it can.
(function () {
  'use strict';

  // Destructive forms carry data-confirm; ask first, then tell the server.
  document.addEventListener('submit', function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const question = (event.submitter && event.submitter.dataset.confirm) || form.dataset.confirm;
    if (!question) return;
    if (!window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (!form.querySelector('input[name="confirm"]')) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = 'confirm';
      input.value = 'yes';
      form.appendChild(input);
    }
  });

  // "Select all" of a job list's bulk form.
  document.addEventListener('change', function (event) {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.matches('input[data-select-all]')) return;
    document.querySelectorAll('input[name="ids"][form="' + box.dataset.selectAll + '"]').forEach(function (b) {
      b.checked = box.checked;
    });
  });

  const body = document.body;
  const fallbackMs = Number(body.dataset.refreshMs || 0);
  const eventsUrl = body.dataset.events;
  if (document.querySelectorAll('[data-live]').length === 0) return;

  const status = document.getElementById('live-status');
  const errorPage = document.getElementById('error-page') !== null;
  const MIN_GAP_MS = 150;
  let busy = false;
  let again = false;
  let lastRefresh = 0;
  let timer = null;
  let source = null;
  let poller = null;

  function show(message) {
    if (!status) return;
    status.textContent = message || '';
    status.hidden = !message;
  }

  /** A refresh soon: at most one at a time, at least MIN_GAP_MS apart, none while hidden. */
  function schedule() {
    if (busy) {
      again = true;
      return;
    }
    if (timer !== null) return;
    const wait = Math.max(0, lastRefresh + MIN_GAP_MS - Date.now());
    timer = window.setTimeout(function () {
      timer = null;
      refresh();
    }, wait);
  }

  function refresh() {
    if (document.hidden) {
      again = true;
      return;
    }
    busy = true;
    again = false;
    lastRefresh = Date.now();
    // Form fields a user is typing in are left alone (the region is skipped).
    fetch(window.location.href, { headers: { 'X-Live': '1' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) {
        if (res.ok && errorPage) {
          window.location.reload();
          return;
        }
        if (res.status === 503) show('Redis is unavailable; retrying…');
        else if (!res.ok) show('Refresh failed (' + res.status + ')');
        else if (!poller) show('');
        if (!res.ok) return;
        return res.text().then(function (html) {
          const next = new DOMParser().parseFromString(html, 'text/html');
          document.querySelectorAll('[data-live]').forEach(function (region) {
            const fresh = next.getElementById(region.id);
            // A region with a field in use or jobs selected for a bulk action waits.
            const inUse = region.contains(document.activeElement) || region.querySelector('input[name="ids"]:checked');
            if (fresh && fresh.innerHTML !== region.innerHTML && !inUse) region.replaceWith(fresh);
          });
          body.dataset.liveRefreshedAt = String(Date.now());
        });
      })
      .catch(function () {
        show('Dashboard unreachable; retrying…');
      })
      .finally(function () {
        busy = false;
        if (again) schedule();
      });
  }

  /**
   * Whether a burst touches this page: a queue page follows its queue, a job page
   * its job (when the burst lists every event); other pages follow everything.
   */
  function concerns(data) {
    const scope = document.querySelector('[data-live-queue]');
    if (!scope) return true;
    let burst;
    try {
      burst = JSON.parse(data);
    } catch {
      return true;
    }
    const queue = scope.getAttribute('data-live-queue');
    if (!Array.isArray(burst.queues) || burst.queues.indexOf(queue) < 0) return false;
    const job = scope.getAttribute('data-live-job');
    if (!job || !Array.isArray(burst.events) || burst.events.length < burst.count) return true;
    return burst.events.some(function (e) {
      return e.q === queue && e.id === job;
    });
  }

  function startPolling() {
    if (poller) return;
    // Without a fallback period the page only tries the stream again, every 5 s.
    if (fallbackMs) show('Live updates unavailable; refreshing every ' + fallbackMs + ' ms');
    else show('Live updates unavailable; retrying…');
    poller = window.setInterval(function () {
      if (fallbackMs) refresh();
      open();
    }, fallbackMs || 5000);
  }

  function stopPolling() {
    if (!poller) return;
    window.clearInterval(poller);
    poller = null;
    show('');
  }

  function open() {
    if (!eventsUrl || typeof window.EventSource !== 'function') {
      if (fallbackMs) startPolling();
      return;
    }
    if (source && source.readyState !== EventSource.CLOSED) return;
    source = new EventSource(eventsUrl, { withCredentials: true });
    source.addEventListener('open', function () {
      body.dataset.live = 'stream';
      stopPolling();
    });
    // `resync` comes on every (re)connect: whatever was missed shows at once.
    source.addEventListener('resync', schedule);
    source.addEventListener('jobs', function (message) {
      if (concerns(message.data)) schedule();
    });
    source.addEventListener('error', function () {
      if (source.readyState === EventSource.CLOSED) {
        body.dataset.live = 'polling';
        startPolling();
      }
    });
  }

  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && again) schedule();
  });
  open();
})();
