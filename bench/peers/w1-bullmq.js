// W1 on BullMQ: 50,000 jobs via queue.addBulk in batches of 1,000, one worker process (concurrency 64).
const { Queue } = require('bullmq');
const { connection, N, BATCH, INPUT, startWorker, report } = require('./lib');

(async () => {
  const worker = startWorker('worker-bullmq.js', N);
  await worker.next('ready');
  const queue = new Queue('bench', { connection });
  await queue.waitUntilReady();

  const t0 = Date.now();
  for (let sent = 0; sent < N; sent += BATCH) {
    const jobs = [];
    for (let i = 0; i < BATCH; i++) jobs.push({ name: 'task', data: { input: INPUT } });
    await queue.addBulk(jobs);
  }
  const t1 = Date.now();
  const doneAt = await worker.next('doneAt');

  report({ enqueue_per_s: Math.round(N / ((t1 - t0) / 1000)), e2e_per_s: Math.round(N / ((doneAt - t0) / 1000)) });
  await worker.stop();
  await queue.close();
})();
