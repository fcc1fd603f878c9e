// A run's page: its graph and tasks, refreshed from the run's event stream (SSE, resumed with Last-Event-ID), its
// budget, cancel, and for a run parked in NEEDS_HUMAN the question with answer / skip / fail.
import {del, get, post, seg} from './api.js';
import {drawDag} from './dag.js';
import {confirmButton, el, errorText, json, notice, show, time} from './dom.js';
import {follow} from './sse.js';

const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED', 'BUDGET_EXCEEDED', 'MAX_STEPS_EXCEEDED', 'LOOP_DETECTED',
  'DEADLINE_EXCEEDED'];

export function runPage(runId) {
  const path = '/v1/runs/' + seg(runId);
  const header = el('div', {class: 'run-header'});
  const parked = el('section', {id: 'parked'});
  const graph = el('div', {class: 'graph'});
  const tasks = el('div', {id: 'tasks'});
  const live = el('span', {id: 'live', class: 'live'}, 'connecting');
  const open = new Set();
  const reviews = new Map();
  let refreshing = null;
  let again = false;

  const select = (taskId) => {
    open.add(taskId);
    const details = document.querySelector(`details[data-task="${CSS.escape(taskId)}"]`);
    if (details) {
      details.open = true;
      details.scrollIntoView({block: 'nearest'});
    }
  };

  async function refresh() {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      try {
        const run = await get(path);
        header.dataset.status = run.status;
        header.replaceChildren(...summary(run).filter(Boolean));
        cancel.hidden = TERMINAL.includes(run.status);
        // Rebuilt only when what waits changed, so an answer being typed survives the refreshes events cause.
        const waiting = JSON.stringify([run.status, run.tasks.filter((t) => t.state === 'WAITING_HUMAN')
          .map((t) => [t.id, t.question, t.error])]);
        if (waiting !== parked.dataset.waiting) {
          parked.dataset.waiting = waiting;
          parked.replaceChildren(...parkedTasks(run, path, refresh));
        }
        graph.replaceChildren(drawDag(run.tasks, select));
        tasks.replaceChildren(...run.tasks.map((t) => taskDetails(t, open, reviews.get(t.id) || [])));
      } catch (e) {
        notice('Could not read the run: ' + errorText(e), true);
      }
    })();
    await refreshing;
    refreshing = null;
    if (again) {
      again = false;
      await refresh();
    }
  }

  // Outside the header, which every event rebuilds, so an open confirmation stays open.
  const cancel = confirmButton('Cancel run', 'Cancel this run? Workers skip its remaining tasks.', async () => {
    try {
      await del(path);
      notice('Run cancelled.');
    } catch (e) {
      notice('Cancel refused: ' + errorText(e), true);
    }
    refresh();
  }, {id: 'cancel'});
  cancel.hidden = true;
  show(el('h1', {}, 'Run ', el('span', {id: 'run-id'}, runId), ' ', live), header, cancel, parked, graph,
    el('h2', {}, 'Tasks'), tasks);
  refresh();
  const stream = follow(path + '/events', (event) => {
    noteReview(reviews, event);
    refresh();
  }, (state) => {
    if (state.connected) live.textContent = 'live';
    if (state.error) live.textContent = 'reconnecting: ' + (state.error.reason || state.status || '');
  }, ['RUN_FINISHED']);
  const done = setInterval(() => {
    if (live.textContent === 'live' && TERMINAL.includes(header.dataset.status)) {
      live.textContent = 'finished';
      clearInterval(done);
    }
  }, 500);
  return () => {
    stream.stop();
    clearInterval(done);
  };
}

function summary(run) {
  const budget = run.budget || {};
  const usage = run.usage || {};
  return [
    el('span', {id: 'run-status', class: 'badge state-' + run.status}, run.status),
    el('span', {}, ` ${run.kind} · created ${time(run.createdAt)}`),
    run.finishedAt ? el('span', {}, ` · finished ${time(run.finishedAt)} (${run.durationMs} ms)`) : null,
    el('div', {class: 'budget'},
      `steps ${run.steps}/${run.maxSteps} · tokens ${usage.tokens || 0}`
        + (budget.maxTokens ? `/${budget.maxTokens}` : '')
        + ` · cost ${usage.cost || 0}` + (budget.maxCost ? `/${budget.maxCost}` : '')),
    run.error ? el('pre', {class: 'error'}, json(run.error)) : null,
  ];
}

function parkedTasks(run, path, refresh) {
  if (run.status !== 'NEEDS_HUMAN') return [];
  const waiting = run.tasks.filter((t) => t.state === 'WAITING_HUMAN');
  return [el('h2', {}, 'Needs a human'), ...waiting.map((task) => {
    const answer = el('textarea', {name: 'answer', rows: 3, cols: 60, 'data-answer': task.id,
      placeholder: 'Your answer (JSON or plain text)'});
    const act = async (action) => {
      const body = {taskId: task.id, action};
      if (action === 'retry') body.answer = parseAnswer(answer.value);
      try {
        await post(path + '/resume', body);
        notice(`Task ${task.id}: ${DONE[action]}.`);
      } catch (e) {
        notice('Resume refused: ' + errorText(e), true);
      }
      refresh();
    };
    return el('div', {class: 'parked', 'data-task': task.id},
      el('p', {}, `Task ${task.id} (${task.agent}) waits:`),
      el('pre', {class: 'question'}, json(task.question !== undefined ? task.question : task.error)),
      answer,
      el('div', {},
        el('button', {type: 'button', 'data-action': 'retry', onclick: () => act('retry')}, 'Answer and retry'),
        el('button', {type: 'button', 'data-action': 'skip', onclick: () => act('skip')}, 'Skip task'),
        el('button', {type: 'button', 'data-action': 'fail', class: 'danger', onclick: () => act('fail')}, 'Fail task')));
  })];
}

const DONE = {retry: 'answered', skip: 'skipped', fail: 'failed'};

function parseAnswer(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    return text;
  }
}

/** Every verdict of a task's reviewer, from the run's TASK_REVIEWED events (the stream replays them from the start). */
function noteReview(reviews, event) {
  if (event.type !== 'TASK_REVIEWED') return;
  const data = JSON.parse(event.data);
  const list = reviews.get(data.taskId) || [];
  list.push({revision: data.revision, approved: data.approved, feedback: data.feedback});
  reviews.set(data.taskId, list);
}

function reviewList(verdicts) {
  if (!verdicts.length) return null;
  return [el('h4', {}, 'Reviews'), el('ol', {class: 'reviews'}, verdicts.map((v) => el('li', {'data-revision': v.revision},
    `revision ${v.revision}: ${v.approved ? 'approved' : 'rejected'} · `, el('q', {}, v.feedback || ''))))];
}

function taskDetails(task, open, verdicts) {
  const usage = task.usage || {};
  const facts = [
    ['agent', task.agent], ['state', task.state], ['attempts', task.attempts], ['dispatches', task.dispatches],
    ['revision', task.revision], ['reviewer', task.reviewer], ['depends on', (task.dependsOn || []).join(', ')],
    ['spawned by', task.spawnedBy], ['duration', task.durationMs !== undefined ? task.durationMs + ' ms' : undefined],
    ['tokens in / out', `${usage.tokensIn || 0} / ${usage.tokensOut || 0}`], ['cost', usage.cost], ['dispatched', time(task.dispatchedAt)],
    ['completed', time(task.completedAt)], ['wire task id', task.wireTaskId],
  ].filter(([, v]) => v !== undefined && v !== null && v !== '');
  const details = el('details', {'data-task': task.id, open: open.has(task.id)},
    el('summary', {}, el('span', {class: 'badge state-' + task.state}, task.state), ` ${task.id} · ${task.agent}`),
    el('dl', {}, facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))])),
    reviewList(verdicts),
    task.feedback ? [el('h4', {}, "Reviewer's feedback"), el('pre', {class: 'feedback'}, task.feedback)] : null,
    task.question !== undefined ? [el('h4', {}, 'Question'), el('pre', {}, json(task.question))] : null,
    task.error !== undefined ? [el('h4', {}, 'Error'), el('pre', {class: 'error'}, json(task.error))] : null,
    el('h4', {}, 'Input'), el('pre', {class: 'input'}, json(task.input)),
    task.output !== undefined ? [el('h4', {}, 'Output'), el('pre', {class: 'output'}, json(task.output))] : null);
  details.addEventListener('toggle', () => (details.open ? open.add(task.id) : open.delete(task.id)));
  return details;
}
