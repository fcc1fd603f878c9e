// The run's task graph as SVG: one column per dependency depth, an arrow per dependency, a dashed arrow from a planner
// to each task it spawned, nodes coloured by state (console.css) with the reviewer and revision of reviewed tasks.
import {svg} from './dom.js';

const NODE_W = 190;
const NODE_H = 58;
const GAP_X = 70;
const GAP_Y = 20;
const PAD = 10;

function depths(tasks) {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const depth = new Map();
  const visiting = new Set();
  const of = (id) => {
    if (depth.has(id)) return depth.get(id);
    const task = byId.get(id);
    if (!task || visiting.has(id)) return 0;
    visiting.add(id);
    const parents = [...(task.dependsOn || []), ...(task.spawnedBy ? [task.spawnedBy] : [])];
    const d = parents.length ? 1 + Math.max(...parents.map(of)) : 0;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  tasks.forEach((t) => of(t.id));
  return depth;
}

function layout(tasks) {
  const depth = depths(tasks);
  const columns = [];
  for (const task of tasks) {
    const d = depth.get(task.id);
    (columns[d] = columns[d] || []).push(task);
  }
  const at = new Map();
  columns.forEach((column, x) => column.forEach((task, y) => at.set(task.id, {
    x: PAD + x * (NODE_W + GAP_X),
    y: PAD + y * (NODE_H + GAP_Y),
  })));
  const rows = Math.max(1, ...columns.map((c) => (c ? c.length : 0)));
  return {
    at,
    width: PAD * 2 + Math.max(1, columns.length) * (NODE_W + GAP_X) - GAP_X,
    height: PAD * 2 + rows * (NODE_H + GAP_Y) - GAP_Y,
  };
}

function edge(from, to, kind) {
  const x1 = from.x + NODE_W;
  const y1 = from.y + NODE_H / 2;
  const x2 = to.x;
  const y2 = to.y + NODE_H / 2;
  const mid = (x1 + x2) / 2;
  return svg('path', {
    class: 'edge ' + kind,
    d: `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2 - 4} ${y2}`,
    'marker-end': 'url(#arrow)',
  });
}

function node(task, pos, onSelect) {
  const review = task.reviewer ? `review: ${task.reviewer} · revision ${task.revision}` : `attempts ${task.attempts}`;
  const g = svg('g', {
    class: 'node state-' + task.state,
    'data-task': task.id,
    'data-state': task.state,
    transform: `translate(${pos.x} ${pos.y})`,
    tabindex: 0,
    role: 'button',
    onclick: () => onSelect(task.id),
    onkeydown: (e) => { if (e.key === 'Enter') onSelect(task.id); },
  },
  svg('rect', {width: NODE_W, height: NODE_H, rx: 6}),
  svg('text', {x: 8, y: 17, class: 'title'}, task.id),
  svg('text', {x: 8, y: 34}, `${task.agent} · ${task.state}`),
  svg('text', {x: 8, y: 50, class: 'small'}, review));
  g.append(svg('title', {}, `${task.id} (${task.agent}): ${task.state}`));
  return g;
}

/** The graph of tasks (the run view's tasks array); onSelect(taskId) when a node is clicked. */
export function drawDag(tasks, onSelect) {
  const {at, width, height} = layout(tasks);
  const edges = [];
  for (const task of tasks) {
    for (const dep of task.dependsOn || []) {
      if (at.has(dep)) edges.push(edge(at.get(dep), at.get(task.id), 'depends'));
    }
    if (task.spawnedBy && at.has(task.spawnedBy)) edges.push(edge(at.get(task.spawnedBy), at.get(task.id), 'spawned'));
  }
  return svg('svg', {id: 'dag', class: 'dag', width, height, viewBox: `0 0 ${width} ${height}`, role: 'group',
    'aria-label': 'task graph'},
  svg('defs', {}, svg('marker', {id: 'arrow', viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 8, markerHeight: 8,
    orient: 'auto'}, svg('path', {d: 'M 0 0 L 8 4 L 0 8 z', class: 'arrow'}))),
  edges,
  tasks.map((t) => node(t, at.get(t.id), onSelect)));
}
