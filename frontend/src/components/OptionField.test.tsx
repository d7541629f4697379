import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { OptionField } from './OptionField';
import type { OptionSchemaEntry } from '../api/types';
import type { OptionValue } from '../lib/options';
import { renderWithProviders } from '../test/utils';

const sipPort: OptionSchemaEntry = {
  name: 'sip-port',
  type: 'int',
  default: 5060,
  min: 1,
  max: 65535,
  takesEffect: 'after-restart',
  description: 'Port the proxy listens on.',
};

function Controlled({
  option,
  initial,
  error,
  onChange,
}: {
  option: OptionSchemaEntry;
  initial?: OptionValue;
  error?: string;
  onChange?: (v: OptionValue | undefined) => void;
}) {
  const [value, setValue] = useState<OptionValue | undefined>(initial);
  return (
    <OptionField
      option={option}
      value={value}
      error={error}
      onChange={(v) => {
        setValue(v);
        onChange?.(v);
      }}
    />
  );
}

describe('OptionField', () => {
  it.each([
    ['immediately', 'now'],
    ['next-call', 'next call'],
    ['after-restart', 'after restart'],
  ] as const)('shows the takes-effect badge for %s as "%s"', (takesEffect, text) => {
    renderWithProviders(<Controlled option={{ ...sipPort, takesEffect }} />);
    expect(screen.getByTestId('takes-effect-badge')).toHaveTextContent(text);
  });

  it('labels the input with the option name and describes default, range and takes-effect', () => {
    renderWithProviders(<Controlled option={sipPort} />);
    const input = screen.getByRole('textbox', { name: 'sip-port' });
    expect(input).toHaveAccessibleDescription(/Default: 5060/);
    expect(input).toHaveAccessibleDescription(/Range: 1–65535/);
    expect(input).toHaveAccessibleDescription(/Takes effect: after restart/);
    expect(input).toHaveAttribute('placeholder', 'Default: 5060');
  });

  it('shows a range message while typing an out-of-range number', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    renderWithProviders(<Controlled option={sipPort} onChange={onChange} />);
    const input = screen.getByRole('textbox', { name: 'sip-port' });
    await user.type(input, '70000');
    expect(screen.getByText('Must be between 1 and 65535')).toBeInTheDocument();
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(onChange).toHaveBeenLastCalledWith(70000);

    await user.clear(input);
    await user.type(input, '5061');
    expect(screen.queryByText('Must be between 1 and 65535')).not.toBeInTheDocument();
    expect(onChange).toHaveBeenLastCalledWith(5061);
  });

  it('says "at most" when only a maximum exists', async () => {
    const user = userEvent.setup();
    renderWithProviders(<Controlled option={{ ...sipPort, name: 'oos-check', min: undefined, max: 10 }} />);
    const input = screen.getByRole('textbox', { name: 'oos-check' });
    expect(input).toHaveAccessibleDescription(/Maximum: 10/);
    await user.type(input, '11');
    expect(screen.getByText('Must be at most 10')).toBeInTheDocument();
  });

  it('shows the server error until the user edits the field', async () => {
    const user = userEvent.setup();
    renderWithProviders(<Controlled option={sipPort} initial={5060} error="Port 5060 is used by another application" />);
    expect(screen.getByText('Port 5060 is used by another application')).toBeInTheDocument();
    await user.type(screen.getByRole('textbox', { name: 'sip-port' }), '1');
    expect(screen.queryByText('Port 5060 is used by another application')).not.toBeInTheDocument();
  });

  it('resets to the default with the reset button', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    renderWithProviders(<Controlled option={sipPort} initial={5070} onChange={onChange} />);
    await user.click(screen.getByRole('button', { name: 'Reset sip-port to default' }));
    expect(onChange).toHaveBeenLastCalledWith(undefined);
    expect(screen.queryByRole('button', { name: 'Reset sip-port to default' })).not.toBeInTheDocument();
  });

  it('renders an enum as a select listing the valid values', () => {
    renderWithProviders(
      <Controlled
        option={{
          name: 'oos-force',
          type: 'enum',
          default: 'none',
          validValues: ['none', 'primary', 'backup'],
          takesEffect: 'immediately',
          description: '',
        }}
      />,
    );
    const input = screen.getByRole('combobox', { name: 'oos-force' });
    expect(input).toHaveAccessibleDescription(/One of: none, primary, backup/);
    expect(screen.getByTestId('takes-effect-badge')).toHaveTextContent('now');
  });

  it('renders a bool as a switch showing the default', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    renderWithProviders(
      <Controlled
        option={{ name: 'record-route', type: 'bool', default: true, takesEffect: 'next-call', description: '' }}
        onChange={onChange}
      />,
    );
    const sw = screen.getByRole('switch', { name: 'record-route' });
    expect(sw).toBeChecked();
    expect(screen.getByText('true (default)')).toBeInTheDocument();
    await user.click(sw);
    expect(onChange).toHaveBeenLastCalledWith(false);
  });

  it('flags an incomplete PEM block', async () => {
    const user = userEvent.setup();
    renderWithProviders(<Controlled option={{ name: 'certificate', type: 'pem', takesEffect: 'after-restart', description: '' }} />);
    await user.type(screen.getByRole('textbox', { name: 'certificate' }), '-----BEGIN CERTIFICATE-----');
    expect(screen.getByText(/PEM block is incomplete/)).toBeInTheDocument();
  });

  it('marks extension options', () => {
    renderWithProviders(<Controlled option={{ ...sipPort, name: 'x-custom', extension: true }} />);
    expect(screen.getByTestId('extension-badge')).toHaveTextContent('extension');
  });

  it('says when only SIP Server uses an option (the proxy ignores a change)', () => {
    renderWithProviders(<Controlled option={{ ...sipPort, name: 'replace-uri-contact', sipServerOnly: true }} />);
    expect(screen.getByTestId('sip-server-only-badge')).toHaveTextContent('SIP Server only');
    renderWithProviders(<Controlled option={{ ...sipPort, name: 'oos-check' }} />);
    expect(screen.getAllByTestId('sip-server-only-badge')).toHaveLength(1);
  });

  describe('with control-plane schema entries', () => {
    it('treats a port as 1-65535 and shows the unit and verbatim default text', async () => {
      const user = userEvent.setup();
      renderWithProviders(
        <Controlled
          option={{
            name: 'http-port',
            type: 'port',
            default: null,
            defaultText: 'No default value',
            takesEffect: 'after-restart',
            takesEffectText: 'After SIP Proxy restart',
            description: 'Management HTTP port.',
          }}
        />,
      );
      const input = screen.getByRole('textbox', { name: 'http-port' });
      expect(input).toHaveAccessibleDescription(/Default: No default value/);
      expect(input).toHaveAccessibleDescription(/Range: 1–65535/);
      await user.type(input, '0');
      expect(screen.getByText('Must be between 1 and 65535')).toBeInTheDocument();
    });

    it('uses `values` as the valid values of an enum', () => {
      renderWithProviders(
        <Controlled
          option={{ name: 'sipproxy-role', type: 'enum', default: 10, values: [10, 11], takesEffect: 'after-restart', description: '' }}
          initial="12"
        />,
      );
      expect(screen.getByText('Must be one of: 10, 11')).toBeInTheDocument();
    });

    it('checks host:port', async () => {
      const user = userEvent.setup();
      renderWithProviders(
        <Controlled option={{ name: 'external-address', type: 'host-port', takesEffect: 'next-call', description: '' }} />,
      );
      const input = screen.getByRole('textbox', { name: 'external-address' });
      await user.type(input, 'proxy.example.com');
      expect(screen.getByText(/Must be host:port/)).toBeInTheDocument();
      await user.type(input, ':5060');
      expect(screen.queryByText(/Must be host:port/)).not.toBeInTheDocument();
      expect(screen.getByTestId('takes-effect-badge')).toHaveTextContent('next call');
    });
  });
});

describe('OptionField suggestions (names the registry cannot know)', () => {
  const applications: OptionSchemaEntry = {
    name: 'applications',
    type: 'list',
    default: null,
    takesEffect: 'after-restart',
    description: 'Monitored pairs.',
  };
  const serving: OptionSchemaEntry = {
    name: 'servicing-sipserver',
    type: 'string',
    default: null,
    takesEffect: 'after-restart',
    description: 'Served pair.',
  };

  it('a list option offers them in its dropdown; a text option through a datalist', async () => {
    const user = userEvent.setup();
    renderWithProviders(
      <>
        <OptionField option={applications} value={undefined} onChange={() => undefined} suggestions={['SIPServer_A', 'SIPServer_B']} />
        <OptionField option={serving} value={undefined} onChange={() => undefined} suggestions={['SIPServer_A', 'SIPServer_B']} />
      </>,
    );
    await user.click(screen.getByLabelText('applications', { selector: 'input' }));
    expect(await screen.findByRole('option', { name: 'SIPServer_B' })).toBeInTheDocument();
    // An input with a datalist is a combobox to assistive technology.
    const text = screen.getByRole('combobox', { name: 'servicing-sipserver' });
    const list = document.getElementById(text.getAttribute('list')!);
    expect([...list!.querySelectorAll('option')].map((o) => o.getAttribute('value'))).toEqual(['SIPServer_A', 'SIPServer_B']);
  });
});
