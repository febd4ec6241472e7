// The login: the master key goes once, as JSON, to POST /ui/login; the answer sets the session cookie (HttpOnly: this
// script never sees it) and the page moves on to the dashboard. The key is not kept anywhere.
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('login-form');
  const error = document.getElementById('login-error');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    const input = document.getElementById('master_key');
    try {
      const r = await fetch('/ui/login', { method: 'POST', credentials: 'same-origin',
        headers: { 'content-type': 'application/json' }, body: JSON.stringify({ master_key: input.value }) });
      const body = await r.json().catch(() => ({}));
      if (r.ok) {
        // back to the view the address named (#requests?app=…: a bookmark, or the page a restart logged out)
        location.href = (body.location || '/ui/') + location.hash;
        return;
      }
      error.textContent = (body.error && body.error.message) || ('Login failed (HTTP ' + r.status + ').');
    } catch (e) {
      error.textContent = 'The gateway did not answer: ' + e.message;
    }
    input.value = '';
    error.hidden = false;
  });
});
