// W1-lat on the bare Node loop: one XADD at a time at 2,000/s for 10 s; latency = XADD issued ->
// result entry seen by this process via XREAD BLOCK on the results stream (matched by taskId).
const Redis = require('ioredis');
const { connection, RATE, SECONDS, INPUT, startWorker, paced, latencyResult, report } = require('./lib');

(async () => {
  const worker = startWorker('worker-bare.js');
  await worker.next('ready');
  const redis = new Redis(connection), reader = new Redis(connection);
  const content = JSON.stringify({ input: INPUT });
  const count = RATE * SECONDS, sentAt = new Map(), lat = [];

  const reading = (async () => {
    let last = '0-0';
    const deadline = Date.now() + (SECONDS + 30) * 1000;
    while (lat.length < count && Date.now() < deadline) {
      const reply = await reader.xread('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', 'bench:results', last);
      if (!reply) continue;
      const now = performance.now();
      for (const [id, f] of reply[0][1]) {
        last = id;
        const sent = sentAt.get(f[f.indexOf('taskId') + 1]);
        if (sent !== undefined) lat.push(now - sent);
      }
    }
  })();
  const rate = await paced((i) => {
    sentAt.set(`t${i}`, performance.now());
    redis.xadd('bench:tasks', '*', 'taskId', `t${i}`, 'content', content);
  });
  await reading;

  report(latencyResult(lat, count, rate));
  await worker.stop();
  redis.disconnect();
  reader.disconnect();
})();
