// Bare Node worker process: XREADGROUP COUNT 64 BLOCK, handle, then one pipeline per
// read batch with an XADD per result and one XACK. No retries, no dead letters, no dedupe.
// Optional argv[2] = N: report the time the N-th result was recorded.
const Redis = require('ioredis');
const { connection } = require('./lib');

const expect = Number(process.argv[2] || 0);
const handle = async (content) => ({ ok: true });
const fields = (arr) => { const o = {}; for (let i = 0; i < arr.length; i += 2) o[arr[i]] = arr[i + 1]; return o; };

(async () => {
  const redis = new Redis(connection);
  await redis.xgroup('CREATE', 'bench:tasks', 'workers', '0', 'MKSTREAM').catch((e) => {
    if (!String(e).includes('BUSYGROUP')) throw e;
  });
  process.send({ ready: true });
  let stop = false, done = 0;
  process.on('disconnect', () => { stop = true; });
  while (!stop) {
    const reply = await redis.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', 64, 'BLOCK', 1000,
      'STREAMS', 'bench:tasks', '>');
    if (!reply) continue;
    const entries = reply[0][1].map(([id, f]) => ({ id, ...fields(f) }));
    const results = await Promise.all(entries.map((e) => handle(JSON.parse(e.content))));
    const p = redis.pipeline();
    entries.forEach((e, i) => p.xadd('bench:results', '*', 'taskId', e.taskId, 'result', JSON.stringify(results[i])));
    p.xack('bench:tasks', 'workers', ...entries.map((e) => e.id));
    await p.exec();
    done += entries.length;
    if (expect && done >= expect && done - entries.length < expect) process.send({ doneAt: Date.now() });
  }
  redis.disconnect();
  process.exit(0);
})();
