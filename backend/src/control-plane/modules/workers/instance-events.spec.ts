import { describe, expect, it } from 'vitest';
import type { ApplicationDoc, ConfigDocument } from '../../../contracts/config-document.js';
import {
  describeCause,
  describePlacement,
  INSTANCE_DISCONNECTED_NAME,
  INSTANCE_DISCONNECTED_TEXT,
  placementOf,
} from './instance-events.js';

const proxy = (name: string, serving?: string): ApplicationDoc => ({
  name,
  type: 'sip-proxy',
  host: '10.0.0.1',
  ports: {},
  options: serving ? { sipproxy: { 'servicing-sipserver': serving } } : {},
});
const DOC: ConfigDocument = {
  version: 1,
  applications: [
    { name: 'SIPServer_A', type: 'sip-server', ports: {}, backup: 'SIPServer_A_backup', options: {} },
    { name: 'SIPServer_A_backup', type: 'sip-server', ports: {}, options: {} },
    proxy('SIPProxy_1', 'SIPServer_A'),
    proxy('SIPProxy_2', 'SIPServer_A'),
    proxy('SIPProxy_B', 'SIPServer_B'),
    proxy('SIPProxy_lone'),
  ],
  switches: [
    { name: 'SiteA', sipServer: 'SIPServer_A', dns: [] },
    { name: 'SiteA2', sipServer: 'SIPServer_A', dns: [] },
  ],
};

describe('log event 40002 helpers', () => {
  it('uses the guide catalogue entry', () => {
    expect([INSTANCE_DISCONNECTED_NAME, INSTANCE_DISCONNECTED_TEXT]).toEqual([
      'SPR_OTHER_PROXY_INSTANCE_DISCONNECTED',
      'SIP Proxy instance is disconnected',
    ]);
  });

  it('names the serving HA pair, its sites and the pool of a SIP Proxy', () => {
    const p = placementOf(DOC, 'SIPProxy_2');
    expect(p).toEqual({
      configured: true,
      haPair: 'SIPServer_A',
      haPairBackup: 'SIPServer_A_backup',
      sites: ['SiteA', 'SiteA2'],
      pool: ['SIPProxy_1', 'SIPProxy_2'],
    });
    expect(describePlacement(p)).toBe(' (site SiteA, SiteA2, SIP Server HA pair SIPServer_A/SIPServer_A_backup)');
  });

  it('knows what it does not know: no serving pair, a pair with no site, an application no longer configured', () => {
    expect(describePlacement(placementOf(DOC, 'SIPProxy_lone'))).toBe('');
    expect(describePlacement(placementOf(DOC, 'SIPProxy_B'))).toBe(' (SIP Server HA pair SIPServer_B)');
    expect(placementOf(DOC, 'SIPProxy_gone').configured).toBe(false);
    expect(placementOf(DOC, 'SIPServer_A').configured).toBe(false);
  });

  it('says what happened', () => {
    expect(describeCause('process-exit', { code: null, signal: 'SIGKILL' })).toBe('its process exited (signal SIGKILL)');
    expect(describeCause('process-exit', { code: 1, signal: null })).toBe('its process exited (code 1)');
    expect(describeCause('heartbeat-timeout', { silentMs: 5400 })).toBe('no report for 5 s (heartbeat timeout)');
  });
});
