import { describe, expect, it } from 'vitest';
import { parseConfigDocument } from './config-document.js';
import { compileEffectiveConfig } from './effective-config.js';
import { exampleDocumentText } from '../../test/fixtures/config/index.js';

// The guide: the DN-level oos-check is "how often SIP Server checks SIP Proxy", oos-force how long SIP Server waits.
// They are SIP Server's; the proxy's probes follow its own [sipproxy] oos-check / oos-force (defaults 5 / 5).
describe("probe timing of a pair: the proxy's own options only", () => {
  const doc = () => parseConfigDocument(exampleDocumentText()).doc;

  it('takes the proxy own oos-check when it is written', () => {
    const d = doc();
    d.applications.find((a) => a.name === 'SIPProxy_1')!.options.sipproxy['oos-check'] = 7;
    d.switches[0].dns[0].options.TServer['oos-check'] = 3;
    const eff = compileEffectiveConfig(d, 'SIPProxy_1');
    expect(eff.haPairs.find((p) => p.name === 'SIPServer_A')!.oosCheck).toBe(7);
  });

  // Saw it fail on the old code: the DN's 3 / 2 became the proxy's probe timing.
  it('ignores the VoIP Service DN values when the proxy does not set its own: the registry defaults', () => {
    const d = doc();
    delete d.applications.find((a) => a.name === 'SIPProxy_1')!.options.sipproxy['oos-check'];
    d.switches[0].dns[0].options.TServer['oos-check'] = 3;
    d.switches[0].dns[0].options.TServer['oos-force'] = 2;
    delete d.applications.find((a) => a.name === 'SIPProxy_1')!.options.sipproxy['oos-force'];
    const eff = compileEffectiveConfig(d, 'SIPProxy_1');
    const pair = eff.haPairs.find((p) => p.name === 'SIPServer_A')!;
    expect([pair.oosCheck, pair.oosForce]).toEqual([5, 5]);
  });
});
