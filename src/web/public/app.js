// Live suggestions on the new-report page, and an evaluation report's frame as tall as the report:
// the only places the app needs a script. Everything else works without JavaScript. Text from the
// server is put in with textContent only.
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

  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };
  const pct = (p) => `${(100 * p).toFixed(1)}%`;

  function render(c) {
    const out = [el('h2', 'Suggestions')];
    const answers = Object.values(c.answers || {});
    if (answers.length === 0) out.push(el('p', 'No model is active yet.', 'hint'));
    for (const a of answers) {
      const s = el('section');
      s.className = 'answer';
      s.dataset.task = a.task;
      const h = el('h3', `${a.task}: `);
      if (a.needsHuman) {
        h.append(el('span', 'needs a human', 'abstain'));
        h.append(
          ' ',
          el('span', `(best ${pct(a.probability)}, below the ${pct(a.threshold)} threshold)`, 'p'),
        );
      } else {
        h.append(el('strong', a.label));
        h.append(` ${pct(a.probability)}`);
      }
      s.append(h);
      const ol = el('ol', undefined, 'ranking');
      for (const r of a.ranking.slice(0, 3)) {
        const li = el('li');
        const bar = el('span', undefined, 'bar');
        bar.style.width = `${Math.round(r.probability * 100)}%`;
        li.append(bar, el('span', r.label, 'lbl'), ' ', el('span', pct(r.probability), 'p'));
        ol.append(li);
      }
      s.append(ol);
      // while typing, the top label's reasons in words (the report's page shows each label's)
      const why = a.explanation?.[0];
      if (why?.reasons?.length)
        s.append(el('p', `Why ${why.label}: ${why.reasons.slice(0, 3).join('; ')}`, 'why'));
      out.push(s);
    }
    if (c.similar && c.similar.length > 0) {
      const s = el('section', undefined, 'similar');
      s.append(el('h3', 'Similar reports'));
      const ul = el('ul');
      for (const r of c.similar) {
        const li = el('li');
        const a = el('a', r.summary);
        a.href = `/reports/${encodeURIComponent(r.id)}`;
        li.append(a, ' ', el('span', pct(r.similarity), 'p'));
        ul.append(li);
      }
      s.append(ul);
      out.push(s);
    }
    panel.replaceChildren(...out);
  }

  async function suggest() {
    const data = new FormData(form);
    const body = {};
    for (const [k, v] of data.entries())
      if (k !== '_csrf' && typeof v === 'string' && v.trim() !== '') body[k] = v;
    // a letter or two says nothing yet: wait for a few words rather than answer every keystroke
    const typed = `${body.summary ?? ''} ${body.description ?? ''}`.trim();
    if (typed.length < MIN_CHARS || !/[\p{L}\p{N}]{3}/u.test(typed)) {
      panel.replaceChildren(el('p', 'Suggestions appear once the summary has a few words.', 'hint'));
      return;
    }
    if (!body.summary) body.summary = body.description.slice(0, 200);
    const mine = ++seq;
    try {
      const res = await fetch('/suggest', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, accept: 'application/json' },
        body: JSON.stringify(body),
        credentials: 'same-origin',
      });
      if (mine !== seq) return; // a newer request is under way: its answer wins
      if (!res.ok) return;
      render(await res.json());
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
