// W1-lat on BullMQ: queue.add one job at a time at 2,000/s for 10 s; latency = add() called ->
// 'completed' seen by QueueEvents in this process (same process clock, no cross-process timing).
const { Queue, QueueEvents } = require('bullmq');
const { connection, INPUT, startWorker, paced, latencyResult, report } = require('./lib');

(async () => {
  const worker = startWorker('worker-bullmq.js');
  await worker.next('ready');
  const queue = new Queue('bench', { connection });
  const events = new QueueEvents('bench', { connection });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);

  const completedAt = new Map();            // jobId -> time
  events.on('completed', ({ jobId }) => completedAt.set(jobId, performance.now()));
  const sentAt = [], adds = [];
  const rate = await paced((i) => {
    sentAt[i] = performance.now();
    adds.push(queue.add('task', { input: INPUT }));
  });
  const ids = (await Promise.all(adds)).map((job) => job.id);
  const deadline = Date.now() + 30_000;
  while (completedAt.size < ids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

  const lat = [];
  ids.forEach((id, i) => { if (completedAt.has(id)) lat.push(completedAt.get(id) - sentAt[i]); });
  report(latencyResult(lat, ids.length, rate));
  await worker.stop();
  await events.close();
  await queue.close();
})();
