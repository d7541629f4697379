import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../helpers/net.js';
import { startProxy } from './peers.js';
import { runUac, scenario, SippUas } from '../helpers/sipp.js';

/**
 * The guide's second failover trigger over real sockets: the backup SIP Server (SIPp on 127.0.0.2, its own
 * sip-port) sends a request through the proxy; the proxy takes it as the backup running in primary mode and sends
 * new calls there. Then the primary is killed: calls still complete, so they reach the backup.
 */
describe('failover triggered by a request from the backup SIP Server', () => {
  it('a request from the backup makes it active; new calls go to it; no failback while the primary answers', async () => {
    const pPort = await freePort('127.0.0.1');
    const bPort = await freePort('127.0.0.2');
    const primary = await SippUas.start({ scenario: scenario('uas_call.xml'), host: '127.0.0.1', port: pPort, transport: 'udp' });
    const proxy = await startProxy({
      servingPair: 'SIPServer_A',
      oosCheckS: 1,
      oosForceS: 1,
      pairs: [
        {
          name: 'SIPServer_A',
          primary: { name: 'SIPServer_A', host: '127.0.0.1', port: pPort, transport: 'udp' },
          backup: { name: 'SIPServer_A_backup', host: '127.0.0.2', port: bPort, transport: 'udp' },
        },
      ],
    });
    let backup: SippUas | undefined;
    try {
      const first = await runUac({ scenario: scenario('uac_call.xml'), target: proxy.target, transport: 'udp', calls: 3, rate: 3 });
      expect(first.successful, first.output).toBe(3);
      expect(proxy.worker.status().pairs[0].state).toBe('primary-active');

      // The backup (its address and sip-port) sends one request through the proxy.
      const sender = spawn(
        'sipp',
        [
          proxy.target,
          '-sf',
          scenario('server_info.xml'),
          '-i',
          '127.0.0.2',
          '-p',
          String(bPort),
          '-t',
          'u1',
          '-m',
          '1',
          '-nostdin',
          '-timeout',
          '10s',
        ],
        { stdio: 'ignore' },
      );
      await new Promise((r) => sender.once('exit', r));
      await waitFor(() => proxy.worker.status().pairs[0].state === 'backup-active', 5000, 'backup-active');
      const change = proxy.worker.status().pairs[0].history.at(-1)!;
      expect(change).toMatchObject({ from: 'primary-active', to: 'backup-active', trigger: 'request-from-server', server: 'backup' });

      // New calls go to the backup: with the primary gone they still complete.
      backup = await SippUas.start({ scenario: scenario('uas_call.xml'), host: '127.0.0.2', port: bPort, transport: 'udp' });
      const withPrimary = await runUac({ scenario: scenario('uac_call.xml'), target: proxy.target, transport: 'udp', calls: 3, rate: 3 });
      expect(withPrimary.successful, withPrimary.output).toBe(3);
      expect(proxy.worker.status().pairs[0].state).toBe('backup-active'); // the primary answers probes: no failback
      expect(proxy.worker.status().pairs[0].servers.find((s) => s.role === 'primary')).toMatchObject({ status: 'up', standby: true });
      await primary.kill();
      const second = await runUac({ scenario: scenario('uac_call.xml'), target: proxy.target, transport: 'udp', calls: 5, rate: 5 });
      expect(second.failed, second.output).toBe(0);
      expect(second.successful).toBe(5);
      expect(proxy.worker.status().counters.failovers).toBe(0); // no call needed a retry: they were sent to the backup
    } finally {
      await proxy.stop();
      await primary.kill();
      await backup?.kill();
    }
  }, 90_000);
});
