// The fleet overview: one row per agent type (and per partition of a partitioned type), refreshed every few seconds.
import {get} from './api.js';
import {el, errorText, notice, show} from './dom.js';

const REFRESH_MS = 5000;
const COLUMNS = ['agent type', 'length', 'lag', 'pending', 'consumers', 'delayed', 'dead letters', 'results',
  'longest idle consumer'];

function cells(name, counts, consumers) {
  const idle = consumers.length ? Math.max(...consumers.map((c) => c.idleMs)) + ' ms' : '';
  return [name, counts.length, counts.lag, counts.pending, consumers.length, counts.delayed, counts.deadLetters,
    counts.results, idle].map((v) => el('td', {}, v === undefined || v === null ? '' : String(v)));
}

function rows(agent) {
  const consumers = agent.consumers || [];
  const out = [el('tr', {'data-agent': agent.agent}, cells(agent.agent, agent, consumers))];
  for (const part of agent.partitions || []) {
    out.push(el('tr', {class: 'partition', 'data-agent': agent.agent, 'data-partition': part.partition},
      cells(`  ${agent.agent} #${part.partition}`, part, part.consumers || [])));
  }
  return out;
}

export function fleetPage() {
  const body = el('tbody', {id: 'fleet'});
  show(el('h1', {}, 'Fleet'),
    el('table', {class: 'list'}, el('thead', {}, el('tr', {}, COLUMNS.map((c) => el('th', {}, c)))), body));
  const load = () => get('/v1/agents')
    .then((answer) => body.replaceChildren(...answer.agents.flatMap(rows)))
    .catch((e) => notice('Could not read the fleet: ' + errorText(e), true));
  load();
  const timer = setInterval(load, REFRESH_MS);
  return () => clearInterval(timer);
}
