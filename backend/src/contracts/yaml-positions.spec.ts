import { describe, expect, it } from 'vitest';
import { yamlPositions } from './yaml-positions.js';

const DOC = `version: 1
applications:
  - name: SIPServer_A
    type: sip-server
    host: 127.0.0.1
    ports: { sip-port: 70000 }
  - name: SIPProxy_1
    type: sip-proxy
    color: blue
    options:
      sipproxy:
        serving-sipserver: SIPServer_A
        servicing-sipserver: SIPServer_A
        oos-check: -1
switches:
  - name: SiteA
    dns:
      - number: "1001"
        type: extension
`;

describe('yamlPositions', () => {
  it('maps document paths to 1-based line and column of the node', () => {
    const at = yamlPositions(DOC, [
      { path: 'applications[0].ports.sip-port', code: 'out-of-range' },
      { path: 'applications[1].color', code: 'unknown-key' },
      { path: 'applications[1].options.sipproxy.oos-check', code: 'out-of-range' },
      { path: 'switches[0].dns[0].type', code: 'invalid-value' },
      { path: 'version', code: 'unsupported-version' },
    ]);
    expect(at).toEqual([
      { line: 6, column: 24 },
      { line: 9, column: 5 },
      { line: 14, column: 20 },
      { line: 19, column: 15 },
      { line: 1, column: 10 },
    ]);
  });

  it('finds an option written with an alias spelling, and a duplicate at its second spelling', () => {
    const [a, b] = yamlPositions(DOC.replace('        servicing-sipserver: SIPServer_A\n', ''), [
      { path: 'applications[1].options.sipproxy.servicing-sipserver', code: 'unknown-reference' },
    ]).concat(yamlPositions(DOC, [{ path: 'applications[1].options.sipproxy.servicing-sipserver', code: 'duplicate-option' }]));
    expect(a).toEqual({ line: 12, column: 28 });
    expect(b).toEqual({ line: 13, column: 9 });
  });

  it('gives a missing key the position of the mapping it belongs in, and nothing to a path-less error', () => {
    expect(
      yamlPositions(DOC, [
        { path: 'switches[0].sip-server', code: 'required' },
        { path: '', code: 'invalid-structure' },
      ]),
    ).toEqual([{ line: 16, column: 5 }, undefined]);
  });

  it('takes the position of YAML syntax errors from the parser', () => {
    const [dup] = yamlPositions('version: 1\napplications: []\nversion: 2\n', [{ path: '', code: 'yaml-syntax' }]);
    expect(dup).toEqual({ line: 3, column: 1 });
  });
});
