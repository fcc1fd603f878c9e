// The run list: newest first, filtered by status and API key, paged with the API's next cursor.
import {get} from './api.js';
import {el, errorText, notice, show, time} from './dom.js';

const STATUSES = ['', 'RUNNING', 'NEEDS_HUMAN', 'COMPLETED', 'FAILED', 'CANCELLED', 'BUDGET_EXCEEDED',
  'MAX_STEPS_EXCEEDED', 'LOOP_DETECTED', 'DEADLINE_EXCEEDED'];
const REFRESH_MS = 5000;

export function runsPage() {
  const status = el('select', {id: 'filter-status', name: 'status'},
    STATUSES.map((s) => el('option', {value: s}, s || 'any status')));
  const key = el('input', {id: 'filter-key', name: 'apiKey', placeholder: 'API key name'});
  const rows = el('tbody', {id: 'runs'});
  const pager = el('div', {class: 'pager'});
  const cursors = [null];
  let page = 0;

  async function load() {
    const query = new URLSearchParams({count: '20'});
    if (status.value) query.set('status', status.value);
    if (key.value.trim()) query.set('apiKey', key.value.trim());
    if (cursors[page]) query.set('before', cursors[page]);
    try {
      const body = await get('/v1/runs?' + query);
      cursors[page + 1] = body.next || null;
      rows.replaceChildren(...body.runs.map(row));
      pager.replaceChildren(
        el('button', {type: 'button', disabled: page === 0, onclick: () => { page--; load(); }}, 'Newer'),
        el('span', {}, ` page ${page + 1} `),
        el('button', {type: 'button', id: 'older', disabled: !body.next, onclick: () => { page++; load(); }}, 'Older'));
      notice('');
    } catch (e) {
      notice('Could not list runs: ' + errorText(e), true);
    }
  }

  const apply = () => { page = 0; cursors.length = 1; load(); };
  status.addEventListener('change', apply);
  key.addEventListener('change', apply);
  show(
    el('h1', {}, 'Runs'),
    el('div', {class: 'filters'}, el('label', {}, 'Status ', status), el('label', {}, 'API key ', key)),
    el('table', {class: 'list'},
      el('thead', {}, el('tr', {}, ['run', 'status', 'kind', 'API key', 'created', 'steps'].map((h) => el('th', {}, h)))),
      rows),
    pager);
  load();
  const timer = setInterval(() => { if (page === 0) load(); }, REFRESH_MS);
  return () => clearInterval(timer);
}

function row(run) {
  return el('tr', {'data-run': run.runId},
    el('td', {}, el('a', {href: '#/runs/' + encodeURIComponent(run.runId)}, run.runId)),
    el('td', {}, el('span', {class: 'badge state-' + run.status}, run.status)),
    el('td', {}, run.kind),
    el('td', {}, run.apiKey || ''),
    el('td', {}, time(run.createdAt)),
    el('td', {}, `${run.steps}/${run.maxSteps}`));
}
