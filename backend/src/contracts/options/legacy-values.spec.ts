import { describe, expect, it } from 'vitest';
import { checkOptionValue, findOption } from './option-schema.js';
import { retypeLegacyOptions } from './legacy-values.js';

describe('retypeLegacyOptions: values stored before strict typing', () => {
  it('quoted integers and bools become numbers and booleans; numbers and bools in text options become text', () => {
    const { options, changed } = retypeLegacyOptions('sip-proxy', {
      sipproxy: { 'oos-check': ' 7', 'sip-enable-tcp-keep-alive': 'TRUE', applications: 'SIPServer_A', 'unknown-x': '5' },
      log: { standard: 5 },
      custom: { anything: '1' },
    });
    expect(changed).toBe(true);
    expect(options).toEqual({
      sipproxy: { 'oos-check': 7, 'sip-enable-tcp-keep-alive': true, applications: 'SIPServer_A', 'unknown-x': '5' },
      log: { standard: '5' },
      custom: { anything: '1' },
    });
    const contact = retypeLegacyOptions('voip-service', {
      TServer: { contact: true, 'oos-check': '5', 'service-type': 'sip-outbound-proxy' },
    });
    expect(contact.options).toEqual({ TServer: { contact: 'true', 'oos-check': 5, 'service-type': 'sip-outbound-proxy' } });
  });

  it('leaves valid values and values no old release accepted either (they stay invalid, and validation says so)', () => {
    const ok = { sipproxy: { 'oos-check': 5, 'sip-enable-tcp-keep-alive': false } };
    expect(retypeLegacyOptions('sip-proxy', ok)).toEqual({ options: ok, changed: false });
    const bad = retypeLegacyOptions('sip-proxy', { sipproxy: { 'oos-check': 'five', 'sip-enable-tcp-keep-alive': 'yes' } });
    expect(bad.changed).toBe(false);
    expect(checkOptionValue(findOption('sip-proxy', 'sipproxy', 'oos-check')!, bad.options.sipproxy['oos-check']).ok).toBe(false);
  });
});
