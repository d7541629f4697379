import { describe, expect, it } from 'vitest';
import { serverContracts, serverSchemaJson } from '../test/serverSchema';
import { boundsOf, validateOptionValue } from './options';

// The form must refuse exactly what the server refuses, with its limits from the server's schema (issue 19).
describe('field limits come from the server option schema', () => {
  it("the proxy's [sipproxy] oos-check refuses 0, as the server does", async () => {
    const { options } = await serverSchemaJson();
    const oosCheck = options.find((o) => o.name === 'oos-check' && o.section === 'sipproxy');
    expect(oosCheck).toBeDefined();
    expect(validateOptionValue(oosCheck!, 0)).toBe('Must be between 1 and 300');
    expect(validateOptionValue(oosCheck!, 1)).toBeNull();
  });

  it('a mandatory DN oos-check (outbound-proxy DN, multi-site trunk) refuses 0; an extension may use it', async () => {
    const { options } = await serverSchemaJson();
    const dnOosCheck = options.find((o) => o.name === 'oos-check' && o.section === 'TServer')!;
    expect(validateOptionValue(dnOosCheck, 0)).toBeNull();
    expect(validateOptionValue(dnOosCheck, 0, { mandatory: true })).toBe('Must be between 1 and 300');
    const dnOosForce = options.find((o) => o.name === 'oos-force' && o.section === 'TServer')!;
    expect(boundsOf(dnOosForce, { mandatory: true })).toEqual({ min: 0, max: 30 });
  });

  it('every integer option: the form and the server accept and refuse the same values', async () => {
    const { optionSchemaJson, checkOptionValue } = await serverContracts();
    const registry = optionSchemaJson().options;
    const { options } = await serverSchemaJson();
    let checked = 0;
    options.forEach((o, i) => {
      if (o.type !== 'int' && o.type !== 'port') return;
      const { min, max } = boundsOf(o);
      const probes = [-1, 0, 1, 2, 30, 31, 32, 33, 300, 301, 65535, 65536];
      for (const b of [min, max]) if (b !== undefined) probes.push(b - 1, b, b + 1);
      const where = `${o.section}/${o.name} (${(o.objects ?? []).join(',')})`;
      for (const n of probes) {
        expect({ where, n, accepted: validateOptionValue(o, n) === null }).toEqual({
          where,
          n,
          accepted: checkOptionValue(registry[i]!, n).ok,
        });
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(100);
  });

  it('every option of every type: the form accepts what the server accepts (one check, shared through @contracts)', async () => {
    const { optionSchemaJson, checkOptionValue } = await serverContracts();
    const registry = optionSchemaJson().options;
    const { options } = await serverSchemaJson();
    const texts = [
      'x',
      'udp',
      'tcp, tls',
      'proxy.example.com:5060',
      'h:70000',
      '10.0.0.1',
      '10.0.0.0/8',
      '[::1]:5061',
      'sips:sip.example.com',
      'bad host:5060',
      'stdout',
      '../etc/passwd',
      'true',
    ];
    let checked = 0;
    options.forEach((o, i) => {
      const where = `${o.section}/${o.name} (${(o.objects ?? []).join(',')})`;
      const probes: unknown[] =
        o.type === 'bool' ? [true, false] : o.type === 'int' || o.type === 'port' ? [] : [...texts, ...(o.values ?? []).map(String)];
      for (const v of probes) {
        const server = checkOptionValue(registry[i]!, v).ok;
        const form = validateOptionValue(o, v as string) === null;
        // The form may add a hint the server words elsewhere (a list item given twice), never accept what it refuses.
        if (!server) expect({ where, v, form }).toEqual({ where, v, form: false });
        else expect({ where, v, form }).toEqual({ where, v, form: true });
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(300);
  });
});
