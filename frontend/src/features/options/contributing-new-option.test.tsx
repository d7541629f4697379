import { screen } from '@testing-library/react';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';
import contributing from '../../../../docs/CONTRIBUTING.md?raw';
import definitionsSource from '../../../../backend/src/contracts/options/option-definitions.ts?raw';
import type { OptionSchemaResponse } from '../../api/types';
import { OptionsEditor } from '../../components/OptionsEditor';
import { validateOptionValue } from '../../lib/options';
import { renderWithProviders } from '../../test/utils';

/**
 * docs/CONTRIBUTING.md "Worked example 1: a new option", followed literally: its step-1 block (extracted from the page,
 * so the doc and this test cannot drift) is added to the registry source where the step says, and the registry the
 * control plane serves at GET /api/options/schema (contracts' optionSchemaJson) is loaded on it. The option must then
 * be in the schema, be checked by the server's and the form's validation, and get a field on the application's page.
 */
const DEFINITIONS = new URL('../../../../backend/src/contracts/options/option-definitions.ts', import.meta.url).pathname;
const SCHEMA = new URL('../../../../backend/src/contracts/options/option-schema.ts', import.meta.url).pathname;

function docSnippet(): string {
  const m = /<!-- contributing-new-option:[^>]*-->\s*```ts\n([\s\S]*?)```/.exec(contributing);
  if (!m) throw new Error('docs/CONTRIBUTING.md has no contributing-new-option block');
  return m[1]!;
}

/** Step 1 as the page says: at the end of OPTION_DEFINITIONS, before its closing `];`. */
function applyStep1(source: string, snippet: string): string {
  const end = source.lastIndexOf('\n];');
  if (end < 0) throw new Error('option-definitions.ts: no closing `];` of OPTION_DEFINITIONS');
  return `${source.slice(0, end)}\n${snippet.trimEnd()}${source.slice(end)}`;
}

async function registryWithTheNewOption() {
  const patched = applyStep1(definitionsSource, docSnippet());
  const js = ts.transpileModule(patched, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const exports: { OPTION_DEFINITIONS?: unknown } = {};
  new Function('exports', js)(exports);
  vi.resetModules();
  vi.doMock(DEFINITIONS, () => ({ OPTION_DEFINITIONS: exports.OPTION_DEFINITIONS }));
  return (await import(/* @vite-ignore */ SCHEMA)) as {
    optionSchemaJson(): unknown;
    findOption(kind: string, section: string, name: string): unknown;
    checkOptionValue(def: unknown, raw: unknown): { ok: boolean };
  };
}

describe('CONTRIBUTING worked example 1 (a new option), applied as written', () => {
  it('appears in the served option schema, is validated by its limits, and gets a field on the page', async () => {
    const registry = await registryWithTheNewOption();
    const schema = JSON.parse(JSON.stringify(registry.optionSchemaJson())) as OptionSchemaResponse;
    const entry = schema.options.find((o) => o.name === 'register-expires-max' && o.section === 'sipproxy');
    expect(entry).toMatchObject({ type: 'int', default: 3600, min: 60, max: 86400, takesEffect: 'next-call' });

    const def = registry.findOption('sip-proxy', 'sipproxy', 'register-expires-max');
    expect(def).toBeDefined();
    expect(registry.checkOptionValue(def, 3600).ok).toBe(true);
    expect(registry.checkOptionValue(def, 59).ok).toBe(false);
    expect(validateOptionValue(entry!, 59)).toBe('Must be between 60 and 86400');
    expect(validateOptionValue(entry!, 86400)).toBeNull();

    renderWithProviders(<OptionsEditor schema={schema} kind="sip-proxy" value={{}} onChange={() => undefined} />);
    expect(await screen.findByText('register-expires-max')).toBeInTheDocument();
    vi.doUnmock(DEFINITIONS);
  });
});
