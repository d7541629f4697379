// A TCP client that runs inside a network namespace (started with `ip netns exec`), driven by the test that made the
// namespace: a Node process cannot enter a namespace itself, so the test writes one JSON command a line on stdin and
// reads one JSON answer a line on stdout. Plain JavaScript so `node` runs it as is, without a build step.
//
// Commands:
//   {"op":"send","from":"fd00:1::1","host":"fd00:9::1","port":5060,"message":"OPTIONS ...","ms":3000}
//     opens a connection from `from`, writes `message` (BRANCH and CALLID replaced by fresh values) and waits up to
//     `ms` for a whole response head or the close; the socket is kept open afterwards.
//     Answer: {"status":200|null,"closed":true|false}
//   {"op":"closeAll"}  destroys every kept socket and waits for the closes. Answer: {"closed":N}
//   {"op":"get","url":"http://..."}  Answer: {"status":N,"body":<parsed JSON or text>}
import { connect } from 'node:net';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { clearTimeout, setTimeout } from 'node:timers';

const kept = [];
let seq = 0;

function send({ from, host, port, message, ms }) {
  return new Promise((resolve) => {
    seq++;
    const text = message.replaceAll('BRANCH', `z9hG4bK-ns-${process.pid}-${seq}`).replaceAll('CALLID', `ns-${process.pid}-${seq}`);
    const s = connect({ host, port, localAddress: from });
    kept.push(s);
    let got = '';
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(t);
      const m = /^SIP\/2\.0 (\d{3}) [^\r\n]*\r\n/.exec(got);
      resolve({ status: m ? Number(m[1]) : null, closed });
    };
    const t = setTimeout(() => finish(false), ms ?? 3000);
    s.on('connect', () => s.write(text));
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) finish(false);
    });
    s.on('error', () => undefined);
    s.on('close', () => finish(true));
  });
}

async function closeAll() {
  const n = kept.length;
  await Promise.all(
    kept.splice(0).map(
      (s) =>
        new Promise((r) => {
          if (s.closed) return r();
          s.once('close', r);
          s.destroy();
        }),
    ),
  );
  return { closed: n };
}

async function get({ url }) {
  const res = await globalThis.fetch(url);
  const text = await res.text();
  let body = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body };
}

const ops = { send, closeAll, get };
const lines = createInterface({ input: process.stdin });
// One command at a time, in order: the answers come back in the order the commands were written.
let chain = Promise.resolve();
lines.on('line', (line) => {
  chain = chain.then(async () => {
    let answer;
    try {
      const cmd = JSON.parse(line);
      answer = await ops[cmd.op](cmd);
    } catch (e) {
      answer = { error: String(e?.message ?? e) };
    }
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  });
});
lines.on('close', () => chain.then(() => closeAll()).then(() => process.exit(0)));
