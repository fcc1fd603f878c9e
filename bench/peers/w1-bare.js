// W1 on a bare Node loop: 50,000 XADDs of ~1 KB, pipelined 1,000 at a time, one worker process.
const Redis = require('ioredis');
const { connection, N, BATCH, INPUT, startWorker, report } = require('./lib');

(async () => {
  const worker = startWorker('worker-bare.js', N);
  await worker.next('ready');
  const redis = new Redis(connection);
  const content = JSON.stringify({ input: INPUT });

  const t0 = Date.now();
  for (let sent = 0; sent < N; sent += BATCH) {
    const p = redis.pipeline();
    for (let i = 0; i < BATCH; i++) p.xadd('bench:tasks', '*', 'taskId', `t${sent + i}`, 'content', content);
    await p.exec();
  }
  const t1 = Date.now();
  const doneAt = await worker.next('doneAt');

  report({ enqueue_per_s: Math.round(N / ((t1 - t0) / 1000)), e2e_per_s: Math.round(N / ((doneAt - t0) / 1000)) });
  await worker.stop();
  redis.disconnect();
})();
