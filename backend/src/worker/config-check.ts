/**
 * `npm run proxy -- --check --config FILE [--app NAME]`: the standalone proxy's start-up validation without starting.
 * The same checks as a start (and as the control plane's import): shape, values, every rule across objects, the TLS
 * material loading and matching, and, with `--app`, that the application compiles to an effective configuration.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { compileEffectiveConfig, fileTlsMaterialCheck, loadConfigDocument, yamlPositions } from '../contracts/index.js';
import { toRuntimeConfig } from './config-adapter.js';

export interface CheckResult {
  readonly ok: boolean;
  /** Text for the terminal: one line per error (`FILE:LINE:COLUMN: path: message [code]`), or a one-line summary. */
  readonly report: string;
  readonly errorCount: number;
}

/** Validates the document in `file` (and compiles `app` when given). Never throws. */
export function checkConfigFile(file: string, app?: string): CheckResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { ok: false, errorCount: 1, report: `${file}: ${(e as Error).message}\n` };
  }
  const baseDir = dirname(resolve(file));
  const { doc, errors } = loadConfigDocument(text, { checkTlsMaterial: fileTlsMaterialCheck(baseDir) });
  if (errors.length > 0) {
    const at = yamlPositions(text, errors);
    const lines = errors.map((e, i) => {
      const pos = at[i] ? `${at[i].line}:${at[i].column}` : '1:1';
      return `${file}:${pos}: ${e.path || '(document)'}: ${e.message} [${e.code}]`;
    });
    return { ok: false, errorCount: errors.length, report: `${lines.join('\n')}\n${file}: ${errors.length} error(s)\n` };
  }
  if (app !== undefined) {
    try {
      // As a start does: what the worker could not run is a configuration error too.
      toRuntimeConfig(compileEffectiveConfig(doc, app, { baseDir, tlsMaterial: 'absolute-paths' }));
    } catch (e) {
      return { ok: false, errorCount: 1, report: `${file}: --app ${app}: ${(e as Error).message}\n` };
    }
  }
  const proxies = doc.applications.filter((a) => a.type === 'sip-proxy').length;
  const dns = doc.switches.reduce((n, s) => n + s.dns.length, 0);
  const summary =
    `${file}: valid: ${doc.applications.length} application(s) (${proxies} SIP Proxy), ${doc.switches.length} switch(es), ${dns} DN(s)` +
    (app !== undefined ? `; "${app}" compiles` : '');
  return { ok: true, errorCount: 0, report: `${summary}\n` };
}
