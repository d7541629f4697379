import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/product.js';
import { waitFor } from '../helpers/net.js';

/**
 * The standalone CLI as a user runs it (the built `worker/cli.js`): `--check` validates and reports every error with
 * its line and column; the README's minimal document, taken from the README as is, starts a proxy that answers OPTIONS.
 */
const CLI = join(REPO_ROOT, 'backend/dist/backend/src/worker/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'sipedge-cli-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

/** The fenced yaml block after the `minimal-standalone` marker of README.md. */
function readmeMinimalDocument(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const m = /<!-- minimal-standalone[^\n]*-->\n```yaml\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no minimal-standalone yaml block');
  return m[1];
}

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

const check = (...args: string[]) => spawnSync(process.execPath, [CLI, '--check', ...args], { encoding: 'utf8', timeout: 30_000 });

describe('npm run proxy -- --check', () => {
  it('a valid document: exit 0 and a one-line summary', () => {
    const r = check('--config', write('ok.yaml', readmeMinimalDocument()), '--app', 'SIPProxy_1');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok\.yaml: valid: 3 application\(s\) \(1 SIP Proxy\), 1 switch\(es\), 1 DN\(s\); "SIPProxy_1" compiles\n$/);
  });

  it('every error, each with its line and column, and a non-zero exit', () => {
    const text = readmeMinimalDocument()
      .replace('sipproxy-role: 10', 'sipproxy-role: 10, oos-check: 400')
      .replace(', backup: SIPServer_A_backup', '')
      .replace('colour', '')
      .replace('switches:', 'colour: red\nswitches:');
    const f = write('bad.yaml', text);
    const r = check('--config', f);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    const lineOf = (marker: string) => text.slice(0, text.indexOf(marker)).split('\n').length;
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^${f}:${lineOf('colour')}:1: colour: Unknown top-level key "colour".* \\[unknown-key\\]$`)),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${f}:${lineOf('oos-check: 400')}:\\d+: applications\\[2\\]\\.options\\.sipproxy\\.oos-check: .*400 is out of range.* \\[out-of-range\\]$`,
        ),
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${f}:${lineOf('name: SIPServer_A,')}:\\d+: applications\\[0\\]\\.backup: .*names no backup.* \\[ha-pair-incomplete\\]$`,
        ),
      ),
    );
    expect(lines.at(-1)).toBe(`${f}: 3 error(s)`);
  });

  it('a syntax error, an unknown application and a missing file are reported, not thrown', () => {
    const syntax = check('--config', write('syntax.yaml', 'version: 1\napplications: [\n'));
    expect(syntax.status).toBe(1);
    expect(syntax.stderr).toMatch(/syntax\.yaml:\d+:\d+: \(document\): YAML error: .* \[yaml-syntax\]/);
    const app = check('--config', join(dir, 'ok.yaml'), '--app', 'Nope');
    expect(app.status).toBe(1);
    expect(app.stderr).toMatch(/--app Nope: No application "Nope"/);
    const missing = check('--config', join(dir, 'missing.yaml'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/missing\.yaml: ENOENT/);
  });
});

describe("the README's minimal standalone document", () => {
  it('starts a proxy that answers OPTIONS on the port it names', async () => {
    const doc = readmeMinimalDocument();
    const port = Number(/sip-port: (\d+), http-port/.exec(doc)![1]);
    let out = '';
    const child = spawn(process.execPath, [CLI, '--config', write('minimal.yaml', doc), '--app', 'SIPProxy_1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const local = sock.address().port;
    let answer = '';
    sock.on('message', (m) => {
      answer = m.toString();
    });
    const options = [
      `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-readme-1;rport`,
      'Max-Forwards: 70',
      `From: <sip:check@127.0.0.1:${local}>;tag=1`,
      `To: <sip:127.0.0.1:${port}>`,
      'Call-ID: readme-minimal-1',
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    try {
      // Sent again until answered (the proxy is starting): bounded by waitFor's timeout.
      await waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`the proxy exited ${child.exitCode}:\n${out}`);
          if (!answer) sock.send(options, port, '127.0.0.1');
          return answer !== '';
        },
        30_000,
        `an answer to OPTIONS on ${port}\n${out}`,
        250,
      );
      expect(answer).toMatch(/^SIP\/2\.0 200 /);
      expect(answer).toMatch(/Call-ID: readme-minimal-1/i);
    } finally {
      sock.close();
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    }
  }, 60_000);
});
