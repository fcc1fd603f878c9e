// Building DOM nodes. Every string becomes a text node or an attribute value, never HTML: agent output and task input
// are untrusted, and nothing in the console parses markup.

const SVG = 'http://www.w3.org/2000/svg';

function build(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An HTML element: el('a', {href: '#/runs'}, 'Runs'). */
export function el(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element. */
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG, tag), attrs, children);
}

/** Replaces the children of the page's main element. */
export function show(...children) {
  document.getElementById('main').replaceChildren(...children.flat());
}

/** A value as indented JSON text, for a pre element. */
export function json(value) {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

/** The API's refusal as the operator should read it: status, code, field and reason. */
export function errorText(e) {
  if (e && e.status) {
    return `${e.status} ${e.error || ''}${e.field ? ' (' + e.field + ')' : ''}: ${e.reason || ''}`;
  }
  return String(e && e.message ? e.message : e);
}

/** A message line under the page header; errors in red. */
export function notice(text, isError) {
  const p = document.getElementById('notice');
  p.textContent = text || '';
  p.className = isError ? 'error' : '';
}

/**
 * A button that asks before it acts: the first click shows the question with Yes and No, Yes runs action.
 * Used for cancel, redrive all and purge, so a stray click changes nothing. attrs.id names the whole control.
 */
export function confirmButton(label, question, action, attrs) {
  const {id, ...buttonAttrs} = attrs || {};
  const box = el('span', {class: 'confirm', id});
  const start = el('button', {type: 'button', ...buttonAttrs, onclick: () => ask()}, label);
  const ask = async () => {
    const text = typeof question === 'function' ? await question() : question;
    box.replaceChildren(
      el('span', {class: 'question'}, text),
      el('button', {type: 'button', class: 'danger', 'data-confirm': 'yes', onclick: () => { box.replaceChildren(start); action(); }}, 'Yes'),
      el('button', {type: 'button', 'data-confirm': 'no', onclick: () => box.replaceChildren(start)}, 'No'));
  };
  box.append(start);
  return box;
}
