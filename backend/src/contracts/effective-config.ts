/**
 * The effective configuration of one SIP Proxy application: everything its workers need, defaults filled in,
 * resolved from the whole document. It is the payload of the worker protocol, so it is plain JSON and versioned.
 *
 * Compile only validated documents (`validateConfigDocument`): invalid values fall back to their defaults here.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import type { ApplicationDoc, ConfigDocument, DnDoc, SwitchDoc } from './config-document.js';
import { isInlinePem, parseContact } from './options/option-schema.js';
import type { OptionValue } from './options/option-schema.js';
import { optionsWithDefaults, typedOptions } from './options/option-values.js';
import { loadPem, type PemFileRules } from './tls-material.js';
import type { TransportProtocol } from '../sip/address.js';

/** Bump when a field of `EffectiveProxyConfig` changes meaning or is removed (adding optional fields is compatible). */
export const EFFECTIVE_CONFIG_SCHEMA_VERSION = 1;

/**
 * `application.listenHost` when sip-address is unset: every interface. Workers built before this value existed read
 * it the same way (their adapter mapped `*` to the IPv4 wildcard), so the schema version stays.
 */
export const ALL_INTERFACES = '*';

/** One SIP Server of an HA pair, as the proxy probes and reaches it. */
export interface EffectiveSipServer {
  readonly name: string;
  readonly host: string;
  readonly sipPort: number;
  readonly tlsPort?: number;
}

/** A SIP Server HA pair this proxy monitors (named by its primary, as in [sipproxy] applications). */
export interface EffectiveHaPair {
  readonly name: string;
  readonly primary: EffectiveSipServer;
  readonly backup?: EffectiveSipServer;
  /**
   * Interval (s) of the OPTIONS probes: the proxy's [sipproxy] oos-check. The DN-level oos-check / oos-force are,
   * in the guide, how often SIP Server checks the proxy pool: SIP Server's, not this proxy's.
   */
  readonly oosCheck: number;
  /** Re-probe interval (s) of an out-of-service server: the proxy's [sipproxy] oos-force. */
  readonly oosForce: number;
  /** True for the pair named by servicing-sipserver. */
  readonly serving: boolean;
  /** Switches this pair serves. */
  readonly switches: readonly string[];
}

/** A parsed `contact` (host, port, transport) next to the value as written. */
export interface EffectiveContact {
  readonly value: string;
  readonly host: string;
  readonly port?: number;
  /** From `;transport=` (or `sips:`); undefined when the contact does not say. */
  readonly transport?: TransportProtocol;
}

/** The switch's sip-outbound-proxy VoIP Service DN: how SIP Server reaches the pool. */
export interface EffectiveOutboundProxyDn {
  readonly number: string;
  readonly contact?: EffectiveContact;
  readonly externalContact?: string;
  /** 0 or absent: TLS disabled between SIP Server and the pool. */
  readonly sipPortTls?: number;
  /** Transport SIP Server uses toward the pool (the contact's `;transport`, UDP by default). */
  readonly internalTransport: TransportProtocol;
  readonly oosCheck: number;
  readonly oosForce: number;
  /** The DN's [TServer] options with registry defaults filled in (what `diffEffectiveConfig` compares). */
  readonly options: DnOptions;
}

/** A DN's [TServer] options by canonical name, defaults filled in. */
export type DnOptions = Readonly<Record<string, OptionValue>>;

export interface EffectiveTrunk {
  readonly number: string;
  readonly contact?: EffectiveContact;
  /** Remote pool `host:port` (multi-site trunk). */
  readonly peerProxyContact?: string;
  readonly peerProxyProtocol: TransportProtocol;
  readonly peerProxyPortTls?: number;
  /** The switch whose sip-outbound-proxy DN external-contact equals peerProxyContact. */
  readonly remoteSwitch?: string;
  readonly resolveExternalContact: boolean;
  readonly replaceUriContact: boolean;
  readonly requestUri?: string;
  readonly oosCheck: number;
  readonly oosForce: number;
  readonly options: DnOptions;
}

/** An extension DN with a configured contact (a device that does not register). */
export interface EffectiveExtension {
  readonly number: string;
  readonly contact: EffectiveContact;
  readonly requestUri?: string;
  readonly options: DnOptions;
}

export interface EffectiveSwitch {
  readonly name: string;
  readonly sipServer?: string;
  readonly outboundProxy?: EffectiveOutboundProxyDn;
  readonly trunks: readonly EffectiveTrunk[];
  readonly extensions: readonly EffectiveExtension[];
}

/** TLS settings of the application; certificate values per `CompileOptions.tlsMaterial`. */
export interface EffectiveTls {
  readonly certificate: string;
  readonly certificateKey: string;
  readonly trustedCa?: string;
  /** tls-mutual = 1 */
  readonly mutual: boolean;
  /** Never older than TLSv1.2, whatever sip-tls-sec-protocol says. */
  readonly minVersion: 'TLSv1.2' | 'TLSv1.3';
  readonly verifyServerCertificate: boolean;
}

export interface EffectiveProxyConfig {
  readonly schemaVersion: number;
  /** Content hash of everything below (same configuration, same version). */
  readonly version: string;
  readonly application: {
    readonly name: string;
    readonly host: string;
    /**
     * Where the SIP ports listen: sip-address when set, else `*`, every interface (guide, "SIP Address Binding": "If
     * this option is not set, SIP Proxy binds the SIP port on all network interfaces"; IPv4 and IPv6).
     */
    readonly listenHost: string;
    /**
     * Host put in Via / Record-Route / Path / Contact: sip-address when set ("SIP Proxy inserts the option value into
     * the Via header"), else the application's host (resolved by the worker when resolve-host); never a wildcard.
     */
    readonly advertisedHost: string;
    readonly sipPort: number;
    readonly tlsPort?: number;
    readonly httpPort?: number;
    /** udp and tcp on sip-port; tls on tls-port when present. */
    readonly transports: readonly TransportProtocol[];
  };
  /** Every option of [sipproxy], [security], [log], by canonical name, with defaults filled in. */
  readonly options: {
    readonly sipproxy: Readonly<Record<string, OptionValue>>;
    readonly security: Readonly<Record<string, OptionValue>>;
    readonly log: Readonly<Record<string, OptionValue>>;
  };
  readonly tls?: EffectiveTls;
  /**
   * Mutual TLS on the management port ([sipproxy] http-client-ca): HTTPS with the application's certificate and key,
   * client certificates verified against `clientCa`. Values per `CompileOptions.tlsMaterial`, like `tls`.
   */
  readonly managementTls?: { readonly certificate: string; readonly certificateKey: string; readonly clientCa: string };
  /** Name of the serving pair's primary (servicing-sipserver). */
  readonly servingPair: string;
  /** Every pair named in [sipproxy] applications, in that order. */
  readonly haPairs: readonly EffectiveHaPair[];
  /** The other proxies of this proxy's pool (same servicing-sipserver). */
  readonly poolPeers: readonly { readonly name: string; readonly host: string; readonly sipPort?: number; readonly tlsPort?: number }[];
  readonly switches: readonly EffectiveSwitch[];
}

export interface CompileOptions {
  /** Directory relative certificate paths are resolved against (normally the YAML document's). */
  readonly baseDir?: string;
  /**
   * How [security] certificate, certificate-key and trusted-ca are passed to the worker:
   * `as-written` (default), `absolute-paths` (resolved against baseDir), `inline-pem` (read now; for remote workers).
   */
  readonly tlsMaterial?: 'as-written' | 'absolute-paths' | 'inline-pem';
  /** For `inline-pem`: where files may be read from and how big they may be (tls-material.ts). */
  readonly pemFiles?: PemFileRules;
  /** Kept between calls by a party that compiles often (the control plane): only changed DNs are compiled again. */
  readonly cache?: EffectiveCompileCache;
}

export class EffectiveConfigError extends Error {
  override readonly name = 'EffectiveConfigError';
}

function asString(v: OptionValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function asTransport(v: string | undefined): TransportProtocol | undefined {
  return v === 'udp' || v === 'tcp' || v === 'tls' ? v : undefined;
}

function contactOf(v: OptionValue | undefined): EffectiveContact | undefined {
  const s = asString(v);
  if (s === undefined) return undefined;
  const c = parseContact(s);
  if (!c) return undefined;
  return { value: s, host: c.host, port: c.port, transport: asTransport(c.transport) };
}

function server(app: ApplicationDoc): EffectiveSipServer {
  return { name: app.name, host: app.host ?? '', sipPort: app.ports['sip-port'] ?? 5060, tlsPort: app.ports['tls-port'] };
}

function normHostPort(s: string): string {
  return s.trim().toLowerCase();
}

/** JSON with object keys sorted, so equal configurations hash equally whatever the construction order. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x)).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/** Drops `undefined` members so the payload is exactly what JSON carries (deep-equal after a round trip). */
function stripUndefined<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/**
 * Compiles the effective configuration of the SIP Proxy application `appName`.
 * @throws EffectiveConfigError when `appName` is not a sip-proxy application of `doc`.
 */
export function compileEffectiveConfig(doc: ConfigDocument, appName: string, opts: CompileOptions = {}): EffectiveProxyConfig {
  const apps = new Map<string, ApplicationDoc>();
  for (const a of doc.applications) if (!apps.has(a.name)) apps.set(a.name, a);
  const self = apps.get(appName);
  if (!self) throw new EffectiveConfigError(`No application "${appName}" in the document.`);
  if (self.type !== 'sip-proxy') throw new EffectiveConfigError(`Application "${appName}" is a ${self.type}, not a sip-proxy.`);

  const options = optionsWithDefaults('sip-proxy', self.options);
  const sp = options.sipproxy;
  const sec = options.security;
  const sipAddress = asString(sp['sip-address']);
  const host = self.host ?? '';
  const sipPort = self.ports['sip-port'] ?? 5060;
  const tlsPort = self.ports['tls-port'];

  const serving = asString(sp['servicing-sipserver']) ?? '';
  // Probe timing: the proxy's own [sipproxy] oos-check / oos-force (registry defaults filled). The DN-level options
  // of the same names are SIP Server's (how often it checks the pool), so they never reach the proxy's probes.
  const oosCheck = sp['oos-check'] as number;
  const oosForce = sp['oos-force'] as number;
  const applications = Array.isArray(sp.applications) ? (sp.applications as readonly string[]) : [];

  const switchesByServer = new Map<string, string[]>();
  for (const sw of doc.switches) {
    if (sw.sipServer === undefined) continue;
    const l = switchesByServer.get(sw.sipServer) ?? [];
    l.push(sw.name);
    switchesByServer.set(sw.sipServer, l);
  }
  const pairNames = applications.includes(serving) || serving === '' ? applications : [...applications, serving];
  const haPairs: EffectiveHaPair[] = [];
  for (const name of pairNames) {
    const primary = apps.get(name);
    if (!primary || primary.type !== 'sip-server') continue;
    const backup = primary.backup !== undefined ? apps.get(primary.backup) : undefined;
    haPairs.push({
      name,
      primary: server(primary),
      backup: backup && backup.type === 'sip-server' ? server(backup) : undefined,
      oosCheck,
      oosForce,
      serving: name === serving,
      switches: switchesByServer.get(name) ?? [],
    });
  }

  const poolPeers = doc.applications
    .filter(
      (a) => a !== self && a.type === 'sip-proxy' && typedOptions('sip-proxy', a.options).sipproxy?.['servicing-sipserver'] === serving,
    )
    .map((a) => ({ name: a.name, host: a.host ?? '', sipPort: a.ports['sip-port'], tlsPort: a.ports['tls-port'] }));

  const { switches, digest: switchesDigest } = compileSwitches(doc, opts.cache);

  // sip-port-tls = 0 on the pool's sip-outbound-proxy DN: "To disable TLS transport for SIP traffic, set this option
  // to 0" (guide, DN options): no TLS listener even though the application keeps its tls-port.
  const tlsDisabled = switches.some((sw) => sw.sipServer === serving && sw.outboundProxy?.sipPortTls === 0);
  const transports: TransportProtocol[] = tlsPort !== undefined && !tlsDisabled ? ['udp', 'tcp', 'tls'] : ['udp', 'tcp'];
  let tls: EffectiveTls | undefined;
  const cert = asString(sec.certificate);
  const key = asString(sec['certificate-key']);
  const mode = opts.tlsMaterial ?? 'as-written';
  const baseDir = opts.baseDir ?? process.cwd();
  const material = (v: string): string => {
    if (mode === 'inline-pem') return loadPem(v, baseDir, opts.pemFiles);
    if (mode === 'absolute-paths' && !isInlinePem(v) && !isAbsolute(v)) return resolve(baseDir, v);
    return v;
  };
  const clientCa = asString(sp['http-client-ca']);
  const managementTls =
    clientCa !== undefined && cert !== undefined && key !== undefined
      ? { certificate: material(cert), certificateKey: material(key), clientCa: material(clientCa) }
      : undefined;
  if (tlsPort !== undefined && cert !== undefined && key !== undefined) {
    const ca = asString(sec['trusted-ca']);
    tls = {
      certificate: material(cert),
      certificateKey: material(key),
      trustedCa: ca !== undefined ? material(ca) : undefined,
      mutual: sec['tls-mutual'] === 1,
      minVersion: sec['tls-min-version'] === 'TLSv1.3' ? 'TLSv1.3' : 'TLSv1.2',
      verifyServerCertificate: sec['verify-server-certificate'] !== false,
    };
  }

  const body = stripUndefined({
    schemaVersion: EFFECTIVE_CONFIG_SCHEMA_VERSION,
    application: {
      name: self.name,
      host,
      listenHost: sipAddress ?? ALL_INTERFACES,
      advertisedHost: sipAddress ?? host,
      sipPort,
      tlsPort,
      httpPort: self.ports['http-port'],
      transports,
    },
    options: { sipproxy: sp, security: sec, log: options.log },
    tls,
    managementTls,
    servingPair: serving,
    haPairs,
    poolPeers,
  });
  // The switches count by their digest (kept per DN by the cache): the same content gives the same version.
  const version = createHash('sha256')
    .update(canonicalJson({ ...body, switches: switchesDigest }))
    .digest('hex')
    .slice(0, 16);
  return { ...body, switches, version };
}

/**
 * What `compileSwitches` keeps between calls: the previous document's DNs and their compiled entries, so a
 * compilation after an edit compiles only the DNs that differ (raw options compared), and every application of one
 * document shares the same switches. Holds the previous document's DN objects; one per compiling party.
 */
export class EffectiveCompileCache {
  /** By switch name: the raw DNs compiled last, and per DN its entry (undefined: not for the proxy) and digest. */
  switches = new Map<string, { raw: SwitchDoc; key: string; dns: DnCompiled[]; compiled: EffectiveSwitch; digest: string }>();
  /** The external-contact -> switch map the entries were compiled against (trunks name their remote switch by it). */
  contacts = '';
  /** The last document compiled, and its result (every application of one document shares it). */
  lastDoc: ConfigDocument | undefined;
  last: { switches: EffectiveSwitch[]; digest: string } | undefined;
}

interface DnCompiled {
  raw: DnDoc;
  kind: 'outbound' | 'trunk' | 'extension' | 'none';
  entry: unknown;
  digest: string;
}

const digestOf = (v: unknown): string => createHash('sha256').update(canonicalJson(v)).digest('hex').slice(0, 16);

/** Plain JSON values compared by content (the raw options of a DN: small). */
function sameRaw(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!sameRaw((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/** The switches of the effective configuration (the same for every proxy of the document) and their digest. */
function compileSwitches(doc: ConfigDocument, cache?: EffectiveCompileCache): { switches: EffectiveSwitch[]; digest: string } {
  if (cache && cache.lastDoc === doc && cache.last) return cache.last;
  // external-contact -> switch name, to name each multi-site trunk's remote site.
  const switchByExternalContact = new Map<string, string>();
  for (const sw of doc.switches) {
    for (const dn of sw.dns) {
      if (dn.type !== 'voip-service') continue;
      const t = optionsWithDefaults('voip-service', dn.options).TServer;
      if (t?.['service-type'] !== 'sip-outbound-proxy') continue;
      const ec = asString(t['external-contact']);
      if (ec !== undefined && !switchByExternalContact.has(normHostPort(ec))) switchByExternalContact.set(normHostPort(ec), sw.name);
    }
  }
  const contacts = JSON.stringify([...switchByExternalContact]);
  const fresh = !cache || cache.contacts !== contacts;
  const nextCache = new Map<string, { raw: SwitchDoc; key: string; dns: DnCompiled[]; compiled: EffectiveSwitch; digest: string }>();
  const switches: EffectiveSwitch[] = [];
  const digests: string[] = [];
  for (const sw of doc.switches) {
    const prev = fresh ? undefined : cache.switches.get(sw.name);
    const dns: DnCompiled[] = [];
    let reused = !!prev && prev.dns.length === sw.dns.length && prev.raw.sipServer === sw.sipServer;
    sw.dns.forEach((dn, d) => {
      const old = prev?.dns[d];
      if (old && old.raw.number === dn.number && old.raw.type === dn.type && sameRaw(old.raw.options, dn.options)) {
        dns.push({ ...old, raw: dn });
        return;
      }
      reused = false;
      dns.push(compileDn(dn, switchByExternalContact));
    });
    let outboundProxy: EffectiveOutboundProxyDn | undefined;
    const trunks: EffectiveTrunk[] = [];
    const extensions: EffectiveExtension[] = [];
    const parts: string[] = [];
    for (const c of dns) {
      if (c.kind === 'outbound' && !outboundProxy) {
        outboundProxy = c.entry as EffectiveOutboundProxyDn;
        parts.push(`o${c.digest}`);
      } else if (c.kind === 'trunk') {
        trunks.push(c.entry as EffectiveTrunk);
        parts.push(`t${c.digest}`);
      } else if (c.kind === 'extension') {
        extensions.push(c.entry as EffectiveExtension);
        parts.push(`e${c.digest}`);
      }
    }
    // Entries are stripped already; built without undefined members so the unchanged entries stay the same objects.
    const compiled: EffectiveSwitch =
      reused && prev
        ? prev.compiled
        : {
            name: sw.name,
            ...(sw.sipServer !== undefined ? { sipServer: sw.sipServer } : {}),
            ...(outboundProxy ? { outboundProxy } : {}),
            trunks,
            extensions,
          };
    const digest = reused && prev ? prev.digest : digestOf([sw.name, sw.sipServer ?? null, parts.join(',')]);
    switches.push(compiled);
    digests.push(digest);
    nextCache.set(sw.name, { raw: sw, key: '', dns, compiled, digest });
  }
  const result = { switches, digest: digestOf(digests) };
  if (cache) {
    cache.switches = nextCache;
    cache.contacts = contacts;
    cache.lastDoc = doc;
    cache.last = result;
  }
  return result;
}

/** One DN as the proxy knows it (a sip-outbound-proxy VoIP Service DN, a trunk, an extension with a contact), or none. */
function compileDn(dn: DnDoc, switchByExternalContact: ReadonlyMap<string, string>): DnCompiled {
  const none: DnCompiled = { raw: dn, kind: 'none', entry: undefined, digest: '' };
  const kind = dn.type === 'voip-service' || dn.type === 'trunk' || dn.type === 'extension' ? dn.type : undefined;
  const t = kind ? optionsWithDefaults(kind, dn.options).TServer : undefined;
  if (!t) return none;
  let entry: unknown;
  let k: DnCompiled['kind'];
  if (dn.type === 'voip-service') {
    if (t['service-type'] !== 'sip-outbound-proxy') return none;
    const contact = contactOf(t.contact);
    const portTls = t['sip-port-tls'];
    k = 'outbound';
    entry = {
      number: dn.number,
      contact,
      externalContact: asString(t['external-contact']),
      sipPortTls: typeof portTls === 'number' ? portTls : undefined,
      internalTransport: contact?.transport ?? 'udp',
      oosCheck: t['oos-check'] as number,
      oosForce: t['oos-force'] as number,
      options: t,
    } satisfies EffectiveOutboundProxyDn;
  } else if (dn.type === 'trunk') {
    const ppc = asString(t['peer-proxy-contact']);
    const portTls = t['peer-proxy-port-tls'];
    k = 'trunk';
    entry = {
      number: dn.number,
      contact: contactOf(t.contact),
      peerProxyContact: ppc,
      peerProxyProtocol: asTransport(asString(t['peer-proxy-protocol'])) ?? 'udp',
      peerProxyPortTls: typeof portTls === 'number' ? portTls : undefined,
      remoteSwitch: ppc !== undefined ? switchByExternalContact.get(normHostPort(ppc)) : undefined,
      resolveExternalContact: t['resolve-external-contact'] === true,
      replaceUriContact: t['replace-uri-contact'] === true,
      requestUri: asString(t['request-uri']),
      oosCheck: t['oos-check'] as number,
      oosForce: t['oos-force'] as number,
      options: t,
    } satisfies EffectiveTrunk;
  } else {
    const contact = contactOf(t.contact);
    if (!contact) return none;
    k = 'extension';
    entry = { number: dn.number, contact, requestUri: asString(t['request-uri']), options: t } satisfies EffectiveExtension;
  }
  entry = stripUndefined(entry);
  return { raw: dn, kind: k, entry, digest: digestOf(entry) };
}

/** Every sip-proxy application of the document, by name (the workers to run). */
export function proxyApplicationNames(doc: ConfigDocument): string[] {
  return doc.applications.filter((a) => a.type === 'sip-proxy').map((a) => a.name);
}
