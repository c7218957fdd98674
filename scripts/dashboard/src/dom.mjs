// Building the page's elements. Text always goes in as text nodes, never as
// HTML: what the chain stores (URLs, reasons) cannot inject markup.

/**
 * An element: `h('td', { class: 'num', dataset: { period: 1 } }, 'text', child)`.
 * Attributes starting with `on` are listeners; `null`/`false` children are skipped.
 */
export function h(tag, attributes = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on')) el.addEventListener(name.slice(2).toLowerCase(), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * A table with a header row; `rows` are arrays of cells or `<tr>` elements.
 * Each cell carries its column's name (`data-label`): on a phone the rows
 * become cards that name every value.
 */
export function table(caption, headers, rows, attributes = {}) {
  const body = h(
    'tbody',
    {},
    rows.map((r) =>
      r instanceof Node
        ? r
        : h(
            'tr',
            {},
            r.map((c) => (c instanceof Node && c.tagName === 'TD' ? c : h('td', {}, c))),
          ),
    ),
  );
  for (const tr of body.rows) {
    [...tr.cells].forEach((cell, i) => {
      if (headers[i]) cell.dataset.label ??= headers[i];
    });
  }
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'cards', ...attributes },
      caption ? h('caption', {}, caption) : null,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      body,
    ),
  );
}

/** A `<dl>` of `[term, description]` pairs. */
export const definitions = (pairs) =>
  h(
    'dl',
    {},
    pairs.map(([term, description]) => [h('dt', {}, term), h('dd', {}, description)]),
  );

/** A time in the reader's locale, with the date when it is not today. */
export function when(ms) {
  const d = new Date(Number(ms));
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
}

/** `0x1234…abcd` of a long hex string. */
export const short = (hex, keep = 6) => (hex.length > 2 * keep + 3 ? `${hex.slice(0, keep + 2)}…${hex.slice(-keep)}` : hex);
