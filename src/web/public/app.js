// Live suggestions on the new-report page, and an evaluation report's frame as tall as the report:
// the only places the app needs a script. Everything else works without JavaScript. The
// suggestions are the server's HTML (escaped there, drawn by the report page's code).
(() => {
  // the report is ours (same origin): show it whole rather than in a scrolling box
  for (const frame of document.querySelectorAll('iframe.report')) {
    const fit = () => {
      const doc = frame.contentDocument;
      if (doc?.documentElement) frame.style.height = `${doc.documentElement.scrollHeight + 24}px`;
    };
    frame.addEventListener('load', fit);
    fit();
  }
})();

(() => {
  const form = document.getElementById('report-form');
  const panel = document.getElementById('suggestions');
  if (!form || !panel) return;
  const csrf = form.querySelector('input[name=_csrf]').value;
  let timer = 0;
  let seq = 0;
  const MIN_CHARS = 8;

  const hint = (text) => {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = text;
    panel.replaceChildren(p);
  };

  async function suggest() {
    const data = new FormData(form);
    const body = {};
    for (const [k, v] of data.entries())
      if (k !== '_csrf' && typeof v === 'string' && v.trim() !== '') body[k] = v;
    // a letter or two says nothing yet: wait for a few words rather than answer every keystroke
    const typed = `${body.summary ?? ''} ${body.description ?? ''}`.trim();
    if (typed.length < MIN_CHARS || !/[\p{L}\p{N}]{3}/u.test(typed)) {
      hint('Suggestions appear once the summary has a few words.');
      return;
    }
    if (!body.summary) body.summary = body.description.slice(0, 200);
    const mine = ++seq;
    try {
      const res = await fetch('/suggest', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, accept: 'text/html' },
        body: JSON.stringify(body),
        credentials: 'same-origin',
      });
      if (mine !== seq) return; // a newer request is under way: its answer wins
      if (!res.ok) return;
      const markup = await res.text();
      if (mine !== seq) return;
      // the server's own rendering of the classification (every value escaped there), the same
      // markup the report page shows: one place draws it
      panel.innerHTML = markup;
    } catch {
      // offline or server gone: the form still works without suggestions
    }
  }

  form.addEventListener('input', (e) => {
    if (!(e.target instanceof HTMLElement) || !e.target.hasAttribute('data-suggest')) return;
    clearTimeout(timer);
    timer = setTimeout(suggest, 300);
  });
})();
