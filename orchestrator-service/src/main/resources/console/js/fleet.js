// The fleet overview: one row per agent type (and per partition of a partitioned type), refreshed every few seconds,
// with sparklines of throughput (results written), failures (dead letters added) and lag over the orchestrator's own
// samples of the last minutes (GET /v1/fleet/history).
import {get} from './api.js';
import {el, errorText, notice, show, svg} from './dom.js';

const REFRESH_MS = 5000;
const COLUMNS = ['agent type', 'results /s', 'dead-lettered /s', 'lag', 'length', 'pending', 'consumers', 'delayed',
  'scheduled', 'dead letters', 'oldest pending'];
const SPARK_W = 110;
const SPARK_H = 22;

/** Per-second increase between consecutive samples (a trimmed stream counts as no increase, not a negative one). */
function rates(samples, field) {
  const out = [];
  for (let i = 1; i < samples.length; i++) {
    const seconds = Math.max(0.001, (samples[i].at - samples[i - 1].at) / 1000);
    out.push(Math.max(0, samples[i][field] - samples[i - 1][field]) / seconds);
  }
  return out;
}

function sparkline(values, label, current) {
  const max = Math.max(1e-9, ...values);
  const step = values.length > 1 ? SPARK_W / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(SPARK_H - 1 - (v / max) * (SPARK_H - 2)).toFixed(1)}`);
  return el('span', {class: 'spark-cell'},
    svg('svg', {class: 'spark', width: SPARK_W, height: SPARK_H, viewBox: `0 0 ${SPARK_W} ${SPARK_H}`,
      'data-spark': label, 'data-points': values.length},
    svg('title', {}, `${label}: ${values.length} samples, max ${max.toFixed(2)}`),
    values.length > 1 ? svg('polyline', {points: points.join(' ')}) : null),
    ' ', current);
}

function seconds(ms) {
  return (ms / 1000).toFixed(1) + ' s';
}

function countCells(counts, consumers) {
  const oldest = counts.oldestPendingMs ? seconds(counts.oldestPendingMs) : '';
  return [counts.length, counts.pending, consumers.length, counts.delayed, counts.scheduled, counts.deadLetters, oldest]
    .map((v) => el('td', {}, v === undefined || v === null ? '' : String(v)));
}

function rows(agent, samples) {
  const consumers = agent.consumers || [];
  const throughput = rates(samples, 'results');
  const failures = rates(samples, 'deadLetters');
  const last = (list) => (list.length ? list[list.length - 1].toFixed(2) : '');
  const out = [el('tr', {'data-agent': agent.agent},
    el('td', {}, agent.agent),
    el('td', {}, sparkline(throughput, 'throughput', last(throughput))),
    el('td', {}, sparkline(failures, 'dead-lettered', last(failures))),
    el('td', {}, sparkline(samples.map((s) => s.lag), 'lag', String(agent.lag))),
    countCells(agent, consumers))];
  for (const part of agent.partitions || []) {
    out.push(el('tr', {class: 'partition', 'data-agent': agent.agent, 'data-partition': part.partition},
      el('td', {}, `${agent.agent} #${part.partition}`), el('td', {}), el('td', {}),
      el('td', {}, String(part.lag)), countCells(part, part.consumers || [])));
  }
  return out;
}

export function fleetPage() {
  const body = el('tbody', {id: 'fleet'});
  show(el('h1', {}, 'Fleet'),
    el('p', {class: 'hint'}, 'Sparklines: this orchestrator replica\'s samples of the last minutes, every 5 s.'),
    el('table', {class: 'list'}, el('thead', {}, el('tr', {}, COLUMNS.map((c) => el('th', {}, c)))), body));
  const load = () => Promise.all([get('/v1/agents'), get('/v1/fleet/history')])
    .then(([answer, history]) => body.replaceChildren(
      ...answer.agents.flatMap((a) => rows(a, history.agents[a.agent] || []))))
    .catch((e) => notice('Could not read the fleet: ' + errorText(e), true));
  load();
  const timer = setInterval(load, REFRESH_MS);
  return () => clearInterval(timer);
}
