// BullMQ worker process: concurrency 64, default options (completed jobs are kept,
// removeOnComplete not set). Optional argv[2] = N: report the time the N-th job completed.
const { Worker } = require('bullmq');
const { connection } = require('./lib');

const expect = Number(process.argv[2] || 0);
let completed = 0;
const worker = new Worker('bench', async () => ({ ok: true }), { connection, concurrency: 64 });
worker.on('completed', () => {
  if (++completed === expect) process.send({ doneAt: Date.now() });
});
worker.on('error', (e) => console.error('worker error', e));
worker.waitUntilReady().then(() => process.send({ ready: true }));
process.on('disconnect', () => worker.close().then(() => process.exit(0)));
