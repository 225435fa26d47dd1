// Live refresh and confirmations for the jobq dashboard. No framework: every
// period it fetches the current URL with `X-Live: 1` (the server answers with
// the page body only, already escaped) and swaps each `[data-live]` region
// whose content changed, so counts, lists and workers update without a flash.
(function () {
  'use strict';

  // Destructive forms carry data-confirm; ask first, then tell the server.
  document.addEventListener('submit', function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (!window.confirm(form.dataset.confirm)) {
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

  const period = Number(document.body.dataset.refreshMs || 0);
  const regions = document.querySelectorAll('[data-live]');
  if (!period || regions.length === 0) return;

  const status = document.getElementById('live-status');
  let busy = false;
  const errorPage = document.getElementById('error-page') !== null;

  function show(message) {
    if (!status) return;
    status.textContent = message || '';
    status.hidden = !message;
  }

  function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    fetch(window.location.href, { headers: { 'X-Live': '1' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) {
        if (res.ok && errorPage) {
          window.location.reload();
          return;
        }
        if (res.status === 503) show('Redis is unavailable; retrying…');
        else if (!res.ok) show('Refresh failed (' + res.status + ')');
        else show('');
        if (!res.ok) return;
        return res.text().then(function (html) {
          const next = new DOMParser().parseFromString(html, 'text/html');
          document.querySelectorAll('[data-live]').forEach(function (region) {
            const fresh = next.getElementById(region.id);
            if (fresh && fresh.innerHTML !== region.innerHTML && !region.contains(document.activeElement)) region.replaceWith(fresh);
          });
        });
      })
      .catch(function () {
        show('Dashboard unreachable; retrying…');
      })
      .finally(function () {
        busy = false;
      });
  }

  window.setInterval(refresh, period);
})();
