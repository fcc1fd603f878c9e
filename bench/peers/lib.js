// Shared helpers for the peer benchmarks (see README.md).
const { fork } = require('child_process');
const path = require('path');

const port = Number(process.env.REDIS_PORT);
if (!port || port === 6379) throw new Error('set REDIS_PORT to the bench Redis (never the system Redis on 6379)');
const connection = { host: '127.0.0.1', port };

const N = 50_000;           // W1: tasks
const BATCH = 1_000;        // W1: enqueue batch size
const RATE = 2_000;         // W1-lat: tasks/s
const SECONDS = 10;         // W1-lat: duration
const INPUT = 'x'.repeat(1000);

// Fork a worker script in its own process; resolves once it sends {ready: true}.
function startWorker(file, ...args) {
  const child = fork(path.join(__dirname, file), args.map(String));
  const messages = [];
  let wake = null;
  child.on('message', (m) => { messages.push(m); if (wake) wake(); });
  const next = async (key) => {
    for (;;) {
      const i = messages.findIndex((m) => key in m);
      if (i >= 0) return messages.splice(i, 1)[0][key];
      await new Promise((r) => { wake = r; });
    }
  };
  // Let the worker finish and wait for it, so run.sh can account its CPU time.
  const stop = () => new Promise((r) => { child.once('exit', r); child.disconnect(); });
  return { child, next, stop };
}

// Call send(i) for i in [0, RATE*SECONDS) at RATE/s. Node timers have ~1 ms
// granularity, so every wake-up sends all tasks that are due (usually 1-2).
async function paced(send) {
  const count = RATE * SECONDS, interval = 1000 / RATE, start = performance.now();
  for (let i = 0; i < count;) {
    while (i < count && start + i * interval <= performance.now()) send(i++);
    await new Promise((r) => setTimeout(r, Math.max(0, start + i * interval - performance.now())));
  }
  return count / ((performance.now() - start) / 1000);   // achieved rate
}

// Same percentile rule as the Java bench (BenchProducer.pct).
function pct(sorted, p) { return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]; }

function latencyResult(latencies, count, achievedRate) {
  const s = Float64Array.from(latencies).sort();
  return { p50_ms: pct(s, 0.5), p99_ms: pct(s, 0.99), max_ms: s[s.length - 1], measured: s.length, sent: count, rate: Math.round(achievedRate) };
}

function report(obj) { console.log('RESULT ' + JSON.stringify(obj)); }

module.exports = { connection, N, BATCH, RATE, SECONDS, INPUT, startWorker, paced, pct, latencyResult, report };
