import { describe, expect, it } from 'vitest';
import { parseConfigDocument } from './config-document.js';
import { compileEffectiveConfig } from './effective-config.js';
import { exampleDocumentText } from './fixtures/index.js';

describe('probe timing of a pair: the proxy option, else its site VoIP Service DN, else the default', () => {
  const doc = () => parseConfigDocument(exampleDocumentText()).doc;

  it('takes the proxy own oos-check when it is written', () => {
    const d = doc();
    d.applications.find((a) => a.name === 'SIPProxy_1')!.options.sipproxy!['oos-check'] = 7;
    d.switches[0]!.dns[0]!.options.TServer!['oos-check'] = 3;
    const eff = compileEffectiveConfig(d, 'SIPProxy_1');
    expect(eff.haPairs.find((p) => p.name === 'SIPServer_A')!.oosCheck).toBe(7);
  });

  it('takes the serving site VoIP Service DN value when the proxy does not set one', () => {
    const d = doc();
    delete d.applications.find((a) => a.name === 'SIPProxy_1')!.options.sipproxy!['oos-check'];
    d.switches[0]!.dns[0]!.options.TServer!['oos-check'] = 3;
    d.switches[0]!.dns[0]!.options.TServer!['oos-force'] = 2;
    delete d.applications.find((a) => a.name === 'SIPProxy_1')!.options.sipproxy!['oos-force'];
    const eff = compileEffectiveConfig(d, 'SIPProxy_1');
    const pair = eff.haPairs.find((p) => p.name === 'SIPServer_A')!;
    expect([pair.oosCheck, pair.oosForce]).toEqual([3, 2]);
    // Site B's pair keeps its own site's DN value.
    expect(eff.haPairs.find((p) => p.name === 'SIPServer_B')!.oosCheck).toBe(5);
  });
});
