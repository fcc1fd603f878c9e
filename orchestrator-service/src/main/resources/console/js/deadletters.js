// Dead letters per agent type: browse (paged), inspect one, redrive one / selected / all, purge with a confirmation
// that names the count.
import {del, get, post, seg} from './api.js';
import {confirmButton, el, errorText, json, notice, show} from './dom.js';

const PAGE = 50;
const COUNT_PAGE = 1000;
const MAX_COUNT_PAGES = 20;

export function agentsWithDeadLetters() {
  const rows = el('tbody', {id: 'dead-letter-agents'});
  show(el('h1', {}, 'Dead letters'),
    el('table', {class: 'list'}, el('thead', {}, el('tr', {}, el('th', {}, 'agent type'), el('th', {}, 'dead letters'))),
      rows));
  get('/v1/agents').then((body) => rows.replaceChildren(...body.agents.map((a) => el('tr', {},
    el('td', {}, el('a', {href: '#/dead-letters/' + encodeURIComponent(a.agent)}, a.agent)),
    el('td', {}, String(a.deadLetters)))))).catch((e) => notice('Could not read agent types: ' + errorText(e), true));
}

export function deadLettersPage(agent) {
  const base = '/v1/agents/' + seg(agent) + '/dead-letters';
  const rows = el('tbody', {id: 'dead-letters'});
  const inspector = el('section', {id: 'inspector'});
  const actions = el('div', {class: 'actions'});
  const pager = el('div', {class: 'pager'});
  const selected = new Set();
  const cursors = [null];
  let page = 0;

  async function load() {
    const query = new URLSearchParams({count: String(PAGE)});
    if (cursors[page]) query.set('after', cursors[page]);
    try {
      const body = await get(base + '?' + query);
      cursors[page + 1] = body.next || null;
      selected.clear();
      rows.replaceChildren(...body.deadLetters.map(row));
      pager.replaceChildren(
        el('button', {type: 'button', disabled: page === 0, onclick: () => { page--; load(); }}, 'Previous'),
        el('span', {}, ` page ${page + 1} `),
        el('button', {type: 'button', disabled: !body.next, onclick: () => { page++; load(); }}, 'Next'));
      renderActions();
    } catch (e) {
      notice('Could not list dead letters: ' + errorText(e), true);
    }
  }

  const reload = () => { page = 0; cursors.length = 1; inspector.replaceChildren(); load(); };

  function row(letter) {
    const box = el('input', {type: 'checkbox', 'data-entry': letter.entryId, onchange: (e) => {
      if (e.target.checked) selected.add(letter.entryId); else selected.delete(letter.entryId);
      renderActions();
    }});
    return el('tr', {'data-entry': letter.entryId},
      el('td', {}, box),
      el('td', {}, letter.entryId),
      el('td', {}, letter.taskId),
      el('td', {}, letter.reason),
      el('td', {}, String(letter.attempts)),
      el('td', {class: 'clip'}, letter.error || ''),
      el('td', {}, el('button', {type: 'button', 'data-inspect': letter.entryId,
        onclick: () => inspect(letter.entryId)}, 'Inspect')));
  }

  async function inspect(entryId) {
    try {
      const letter = await get(base + '/' + seg(entryId));
      inspector.replaceChildren(
        el('h2', {}, 'Dead letter ', letter.entryId),
        el('dl', {}, [['task', letter.taskId], ['reason', letter.reason], ['attempts', letter.attempts],
          ['last error', letter.error], ['worker', letter.worker], ['tenant', letter.tenant],
          ['time', new Date(letter.at).toLocaleString()], ['partition', letter.partition]]
          .flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v === undefined || v === null ? '' : String(v))])),
        el('h4', {}, 'Original message'), el('pre', {id: 'dead-letter-message'}, json(letter.message)),
        el('button', {type: 'button', id: 'redrive-one', onclick: () => redrive({ids: [entryId]})}, 'Redrive'),
        confirmButton('Purge', `Purge dead letter ${entryId}? It cannot be redriven afterwards.`,
          () => purge(base + '/' + seg(entryId), undefined), {id: 'purge-one', class: 'danger'}));
    } catch (e) {
      notice('Could not read the dead letter: ' + errorText(e), true);
    }
  }

  async function redrive(selection) {
    try {
      let body = await post(base + '/redrive', selection);
      let count = body.count;
      const skipped = [...body.skipped];
      while (selection.all && body.next) {
        body = await post(base + '/redrive', {all: true, after: body.next});
        count += body.count;
        skipped.push(...body.skipped);
      }
      notice(`Redriven: ${count}` + (skipped.length ? `; skipped: ${skipped.map((s) => s.entryId + ' (' + s.reason + ')').join(', ')}` : ''));
    } catch (e) {
      notice('Redrive refused: ' + errorText(e), true);
    }
    reload();
  }

  async function purge(path, selection) {
    try {
      let body = await del(path, selection);
      let purged = body.purged;
      while (selection && selection.all && body.next) {
        body = await del(path, {all: true, after: body.next});
        purged += body.purged;
      }
      notice(`Purged: ${purged}`);
    } catch (e) {
      notice('Purge refused: ' + errorText(e), true);
    }
    reload();
  }

  /** How many dead letters of this type the caller sees, walking the listing (bounded). */
  async function countAll() {
    let count = 0;
    let after = null;
    for (let i = 0; i < MAX_COUNT_PAGES; i++) {
      const query = new URLSearchParams({count: String(COUNT_PAGE)});
      if (after) query.set('after', after);
      const body = await get(base + '?' + query);
      count += body.deadLetters.length;
      if (!body.next) return String(count);
      after = body.next;
    }
    return 'more than ' + count;
  }

  function renderActions() {
    const ids = [...selected];
    actions.replaceChildren(
      el('button', {type: 'button', id: 'redrive-selected', disabled: ids.length === 0,
        onclick: () => redrive({ids})}, `Redrive selected (${ids.length})`),
      confirmButton('Redrive all', async () => `Redrive all ${await countAll()} dead letters of ${agent}?`,
        () => redrive({all: true}), {id: 'redrive-all'}),
      confirmButton(`Purge selected (${ids.length})`, `Purge ${ids.length} selected dead letters of ${agent}?`,
        () => purge(base, {ids}), {id: 'purge-selected', class: 'danger', disabled: ids.length === 0}),
      confirmButton('Purge all', async () => `Purge all ${await countAll()} dead letters of ${agent}? This cannot be undone.`,
        () => purge(base, {all: true}), {id: 'purge-all', class: 'danger'}));
  }

  show(el('h1', {}, 'Dead letters of ', el('span', {id: 'agent'}, agent)), actions,
    el('table', {class: 'list'}, el('thead', {}, el('tr', {},
      ['', 'entry', 'task', 'reason', 'attempts', 'last error', ''].map((h) => el('th', {}, h)))), rows),
    pager, inspector);
  load();
}
