import { html, type SafeHtml } from './html.ts';

/**
 * The page that asks before a label the task does not know is stored (a correction, a watch):
 * a typo must not become a class of the next training. Confirming re-sends the same form with
 * `allowNew`.
 */
export function confirmNewLabel(o: {
  csrf: string;
  action: string;
  task: string;
  label: string;
  fields: Record<string, string>;
  known: string[];
  back: string;
}): SafeHtml {
  const near = o.known.filter((k) => k.toLowerCase() === o.label.toLowerCase());
  return html`<h1>A new ${o.task} label?</h1>
<p>"${o.label}" is not a ${o.task} label yet.${near.length ? html` Did you mean <strong>${near[0]}</strong>?` : ''}</p>
<p>Known labels: ${o.known.slice(0, 60).join(', ')}${o.known.length > 60 ? ', ...' : ''}</p>
<form method="post" action="${o.action}" class="inline">
<input type="hidden" name="_csrf" value="${o.csrf}">
${Object.entries(o.fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<input type="hidden" name="allowNew" value="true">
<button type="submit">Add "${o.label}" as a new label</button>
</form>
<p><a href="${o.back}">Back, to choose a known label</a></p>`;
}
