import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { OptionSchemaResponse } from '../api';
import { OptionsEditor, type OptionSections } from './OptionsEditor';
import { renderWithProviders } from '../test/utils';

const schema: OptionSchemaResponse = {
  schemaVersion: 1,
  objects: { 'sip-proxy': ['sipproxy', 'security'], 'sip-server': ['TServer'] },
  options: [
    {
      name: 'oos-check',
      objects: ['sip-proxy'],
      section: 'sipproxy',
      type: 'int',
      default: 5,
      min: 0,
      max: 300,
      unit: 'seconds',
      takesEffect: 'immediately',
      description: 'OPTIONS probe interval.',
    },
    {
      name: 'servicing-sipserver',
      aliases: ['serving-sipserver'],
      objects: ['sip-proxy'],
      section: 'sipproxy',
      type: 'string',
      default: null,
      takesEffect: 'next-call',
      description: 'Where requests go.',
    },
    {
      name: 'certificate',
      objects: ['sip-proxy'],
      section: 'security',
      type: 'path-or-pem',
      default: null,
      takesEffect: 'after-restart',
      description: 'TLS certificate.',
    },
    {
      name: 'contact',
      objects: ['sip-server'],
      section: 'TServer',
      type: 'sip-contact',
      default: null,
      takesEffect: 'after-restart',
      description: '',
    },
  ],
};

function Harness({ initial, onValidity }: { initial: OptionSections; onValidity?: (v: boolean) => void }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <OptionsEditor
        schema={schema}
        kind="sip-proxy"
        value={value}
        onChange={setValue}
        errorPathPrefix="applications[0].options"
        errors={[{ path: 'applications[0].options.sipproxy.servicing-sipserver', message: 'No application named SIPServer_X' }]}
        onValidityChange={onValidity}
      />
      <output data-testid="value">{JSON.stringify(value)}</output>
    </>
  );
}

describe('OptionsEditor', () => {
  it("shows a tab per section of the kind and only that kind's options", () => {
    renderWithProviders(<Harness initial={{}} />);
    expect(screen.getByRole('tab', { name: /\[sipproxy\]/ })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: /\[security\]/ })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: /TServer/ })).not.toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'oos-check' })).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: 'contact' })).not.toBeInTheDocument();
  });

  it('puts server errors on their fields by path', () => {
    renderWithProviders(<Harness initial={{ sipproxy: { 'servicing-sipserver': 'SIPServer_X' } }} />);
    const input = screen.getByRole('textbox', { name: 'servicing-sipserver' });
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription(/No application named SIPServer_X/);
    // The tab says how many of its options have errors.
    expect(screen.getByRole('tab', { name: /\[sipproxy\]/ })).toHaveTextContent('1');
  });

  it('edits values into section/name and reports validity', async () => {
    const user = userEvent.setup();
    const onValidity = vi.fn();
    renderWithProviders(<Harness initial={{}} onValidity={onValidity} />);
    await user.type(screen.getByRole('textbox', { name: 'oos-check' }), '400');
    expect(JSON.parse(screen.getByTestId('value').textContent!)).toEqual({ sipproxy: { 'oos-check': 400 } });
    expect(onValidity).toHaveBeenLastCalledWith(false);
    await user.click(screen.getByRole('button', { name: 'Reset oos-check to default' }));
    expect(JSON.parse(screen.getByTestId('value').textContent!)).toEqual({ sipproxy: {} });
    expect(onValidity).toHaveBeenLastCalledWith(true);
  });

  it('filters by name, alias or description', async () => {
    const user = userEvent.setup();
    renderWithProviders(<Harness initial={{}} />);
    await user.type(screen.getByRole('searchbox', { name: 'Filter options' }), 'serving');
    const panel = screen.getByRole('tabpanel', { name: /\[sipproxy\]/ });
    expect(within(panel).getByRole('textbox', { name: 'servicing-sipserver' })).toBeInTheDocument();
    expect(within(panel).queryByRole('textbox', { name: 'oos-check' })).not.toBeInTheDocument();
  });

  it('lists options the schema does not know instead of dropping them', () => {
    renderWithProviders(<Harness initial={{ sipproxy: { 'x-mystery': 'on' } }} />);
    expect(screen.getByText('Options the schema does not know')).toBeInTheDocument();
    expect(screen.getByText('[sipproxy] x-mystery = on')).toBeInTheDocument();
  });
});
