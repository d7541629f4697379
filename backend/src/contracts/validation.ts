/**
 * Validation of a configuration document: every value against the option registry, and every rule of the
 * SIP Proxy 8.1 Deployment Guide that spans objects. Never throws; returns every error, each with a path.
 *
 * Linear in the document size: one pass builds name indexes, one pass checks objects against them.
 */
import { isIP } from 'node:net';
import type { ApplicationDoc, ConfigDocument, DnDoc, OptionSections, SwitchDoc } from './config-document.js';
import { CONFIG_DOCUMENT_VERSION } from './config-document.js';
import { isHostName } from './host-name.js';
import { DN_NUMBER_MAX, nameProblem, OBJECT_NAME_MAX } from './object-names.js';
import {
  APPLICATION_KINDS,
  DN_KINDS,
  SECTIONS_BY_KIND,
  checkOptionValue,
  containsPrivateKey,
  expectedType,
  findOption,
  findOptionsByName,
  optionsFor,
  parseContact,
  parseHostPort,
  typeOfValue,
} from './options/option-schema.js';
import type { ObjectKind, OptionValue } from './options/option-schema.js';
import type { TlsMaterialCheck } from './tls-material.js';
import { isSecretRef } from './secrets.js';
import { caseNote, nameKey } from './names.js';
import type { ValidationCode, ValidationError } from './validation-error.js';

export type { ValidationCode, ValidationError } from './validation-error.js';

export interface ValidateOptions {
  /**
   * Check that each TLS-enabled proxy's certificate and key load and match (e.g. `fileTlsMaterialCheck(baseDir)`).
   * Omitted: only their presence is checked (the control plane may run the check where the files live).
   */
  readonly checkTlsMaterial?: TlsMaterialCheck;
}

/** Port IDs each application kind may have (Server Info tab). */
const PORT_IDS: Readonly<Record<string, readonly string[]>> = {
  'sip-proxy': ['sip-port', 'tls-port', 'http-port'],
  'sip-server': ['sip-port', 'tls-port'],
};

const OUTBOUND_PROXY = 'sip-outbound-proxy';
const IP_RE = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\])$/;

/** Typed options of one object: section -> canonical name -> value. */
type Typed = Map<string, Map<string, OptionValue>>;

function tv(t: Typed, section: string, name: string): OptionValue | undefined {
  return t.get(section)?.get(name);
}

interface AppInfo {
  readonly index: number;
  readonly app: ApplicationDoc;
  readonly path: string;
  readonly typed: Typed;
}

interface OutboundDn {
  readonly switchIndex: number;
  readonly sw: SwitchDoc;
  readonly path: string;
  readonly typed: Typed;
  readonly externalContact?: string;
}

function portRank(id: string): number {
  return id === 'sip-port' ? 0 : id === 'tls-port' ? 1 : 2;
}

function fmt(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function normHostPort(s: string): string {
  const hp = parseHostPort(s);
  return hp ? `${hp.host.toLowerCase()}:${hp.port}` : s.trim().toLowerCase();
}

/**
 * Validates the whole document. Returns every error (empty when valid); never throws.
 * @param doc a document from `parseConfigDocument` (or built in code with the same types)
 */
export function validateConfigDocument(doc: ConfigDocument, opts: ValidateOptions = {}): ValidationError[] {
  const errors: ValidationError[] = [];
  try {
    new Validator(doc, opts, errors).run();
  } catch (e) {
    // A document built in code may break the types (e.g. null where a list is expected): report, do not throw.
    errors.push({
      path: '',
      code: 'invalid-structure',
      message: `The document could not be validated: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
  return errors;
}

class Validator {
  private readonly apps = new Map<string, AppInfo>();
  /** backup name -> primary that names it */
  private readonly backupOf = new Map<string, AppInfo>();
  /** servicing-sipserver -> proxies of that pool */
  private readonly pools = new Map<string, AppInfo[]>();
  /** lower-cased external-contact -> the sip-outbound-proxy DN carrying it */
  private readonly byExternalContact = new Map<string, OutboundDn>();
  /** switch index -> its sip-outbound-proxy DNs */
  private readonly outboundBySwitch = new Map<number, OutboundDn[]>();
  private readonly appInfos: AppInfo[] = [];

  constructor(
    private readonly doc: ConfigDocument,
    private readonly opts: ValidateOptions,
    private readonly errors: ValidationError[],
  ) {}

  private err(path: string, code: ValidationCode, message: string): void {
    this.errors.push({ path, code, message });
  }

  run(): void {
    const { doc } = this;
    if (doc.version !== CONFIG_DOCUMENT_VERSION) {
      this.err(
        'version',
        'unsupported-version',
        `Document version ${fmt(doc.version)} is not supported; this product reads version ${CONFIG_DOCUMENT_VERSION}.`,
      );
    }
    this.indexApplications();
    const switchTyped = this.indexSwitches();
    this.checkNames();
    for (const info of this.appInfos) this.checkApplication(info);
    this.checkPools();
    this.checkPortConflicts();
    for (let i = 0; i < doc.switches.length; i++) this.checkSwitch(i, switchTyped[i]);
    this.checkHaPairs();
  }

  /** Names and DN numbers hold no control or bidi characters and no `/`, and are not over-long (object-names.ts). */
  private checkNames(): void {
    const check = (path: string, name: unknown, max: number, what: string) => {
      const problem = typeof name === 'string' ? nameProblem(name, max) : undefined;
      if (problem) this.err(path, 'invalid-value', `${what} ${problem}.`); // not echoed: it may be what is refused
    };
    this.doc.applications.forEach((a, i) => check(`applications[${i}].name`, a.name, OBJECT_NAME_MAX, 'Application name'));
    this.doc.switches.forEach((sw, i) => {
      check(`switches[${i}].name`, sw.name, OBJECT_NAME_MAX, 'Switch name');
      (sw.dns ?? []).forEach((dn, j) => check(`switches[${i}].dns[${j}].number`, dn.number, DN_NUMBER_MAX, 'DN number'));
    });
  }

  /**
   * The guide's model is "a primary/backup SIP Server HA pair" with a pool of proxies per pair: a sip-server used as a
   * primary (by a switch or a proxy) must name its backup. A server nobody uses yet may stand alone, so a pair can
   * be built edit by edit (backup first, then the primary naming it).
   */
  private checkHaPairs(): void {
    const usedBy = new Map<string, string>();
    for (let s = 0; s < this.doc.switches.length; s++) {
      const sw = this.doc.switches[s];
      if (sw.sipServer) usedBy.set(sw.sipServer, `switch "${sw.name}"`);
    }
    for (const info of this.appInfos) {
      if (info.app.type !== 'sip-proxy') continue;
      const list = tv(info.typed, 'sipproxy', 'applications');
      const serving = tv(info.typed, 'sipproxy', 'servicing-sipserver');
      const names = [...(Array.isArray(list) ? (list as readonly string[]) : []), ...(typeof serving === 'string' ? [serving] : [])];
      for (const n of names) if (!usedBy.has(n)) usedBy.set(n, `SIP Proxy "${info.app.name}"`);
    }
    for (const info of this.appInfos) {
      const { app } = info;
      if (app.type !== 'sip-server' || app.backup !== undefined || this.backupOf.has(app.name)) continue;
      const by = usedBy.get(app.name);
      if (by === undefined) continue;
      this.err(
        `${info.path}.backup`,
        'ha-pair-incomplete',
        `SIP Server "${app.name}" is used as the primary of an HA pair (by ${by}) but names no backup; an HA pair is two servers: add "backup" naming the other sip-server.`,
      );
    }
  }

  private isBusinessContinuity(server: string | undefined): boolean {
    return (
      server !== undefined &&
      tv(this.apps.get(server)?.typed ?? new Map<string, Map<string, OptionValue>>(), 'TServer', 'business-continuity') === true
    );
  }

  // ------------------------------------------------------------ options of one object

  /** Checks one object's options against the registry; returns the valid ones, typed. */
  private checkOptions(kind: ObjectKind | undefined, sections: OptionSections, path: string, what: string): Typed {
    const typed: Typed = new Map();
    if (kind === undefined) return typed; // unknown object type: reported elsewhere, options cannot be judged
    const allowedSections = SECTIONS_BY_KIND[kind];
    for (const section of Object.keys(sections)) {
      const opts = sections[section];
      if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
        this.err(
          `${path}.options.${section}`,
          'invalid-structure',
          `Section [${section}] of ${what} must be a mapping of option name to value.`,
        );
        continue;
      }
      if (!allowedSections.includes(section as never)) {
        this.err(
          `${path}.options.${section}`,
          'unknown-section',
          `${what} has no section [${section}]; a ${kind} has ${allowedSections.map((s) => `[${s}]`).join(', ')}.`,
        );
        continue;
      }
      const values = new Map<string, OptionValue>();
      typed.set(section, values);
      for (const name of Object.keys(opts)) {
        const raw = opts[name];
        const def = findOption(kind, section, name);
        if (!def) {
          const op = `${path}.options.${section}.${name}`;
          const elsewhere = findOptionsByName(name);
          if (elsewhere.length > 0) {
            const where = elsewhere.map((d) => `${d.objects.join('/')} [${d.section}]`).join('; ');
            this.err(op, 'misplaced-option', `Option "${name}" is not an option of ${what} [${section}]; it lives on ${where}.`);
          } else {
            this.err(
              op,
              'unknown-option',
              `Option "${name}" of ${what} [${section}] is not an option of the SIP Proxy 8.1 guide nor a product extension.`,
            );
          }
          continue;
        }
        if (def.name !== name && Object.prototype.hasOwnProperty.call(opts, def.name)) {
          // Both spellings in one section (possible in documents built in code; parsing folds them).
          this.err(
            `${path}.options.${section}.${def.name}`,
            'duplicate-option',
            `Option "${def.name}" of ${what} [${section}] is given twice ("${name}" is the same option); keep one.`,
          );
          continue;
        }
        const r = checkOptionValue(def, raw);
        if (!r.ok) {
          const op = `${path}.options.${section}.${def.name}`;
          if (r.code === 'invalid-type') {
            // The value is not echoed: it may be key material pasted into the wrong place.
            this.err(
              op,
              r.code,
              `Option "${def.name}" of ${what} [${section}] is ${typeOfValue(raw)}; expected ${expectedType(def)}: ${r.allowed}.`,
            );
          } else {
            const why = r.code === 'out-of-range' ? 'is out of range' : 'is not a valid value';
            this.err(op, r.code, `Option "${def.name}" of ${what} [${section}]: ${fmt(raw)} ${why}; allowed: ${r.allowed}.`);
          }
          continue;
        }
        if (def.type === 'path-or-pem' && !def.secret && typeof r.value === 'string' && containsPrivateKey(r.value)) {
          // Only secret options are kept out of reads (contracts/secrets.ts): a key here would reach every viewer.
          const home = optionsFor(kind, def.section).find((d) => d.secret && d.type === 'path-or-pem')?.name ?? 'a secret option';
          this.err(
            `${path}.options.${section}.${def.name}`,
            'private-key-misplaced',
            `Option "${def.name}" of ${what} [${section}] contains a private key; put it in ${home} (only ${home} is kept secret; "${def.name}" is shown to every role).`,
          );
        }
        values.set(def.name, r.value);
      }
    }
    return typed;
  }

  // ------------------------------------------------------------ applications

  private indexApplications(): void {
    const { doc } = this;
    /** lower-cased name -> first application of that name (references resolve by the exact name, `apps`). */
    const appKeys = new Map<string, AppInfo>();
    for (let i = 0; i < doc.applications.length; i++) {
      const app = doc.applications[i];
      const path = `applications[${i}]`;
      const kind = (APPLICATION_KINDS as readonly string[]).includes(app.type) ? (app.type as ObjectKind) : undefined;
      const what = `application "${app.name}"`;
      if (!kind)
        this.err(
          `${path}.type`,
          app.type ? 'unknown-type' : 'required',
          `${what} has type ${fmt(app.type)}; allowed: ${APPLICATION_KINDS.join(', ')}.`,
        );
      const typed = this.checkOptions(kind, app.options ?? {}, path, what);
      const info: AppInfo = { index: i, app, path, typed };
      this.appInfos.push(info);
      if (typeof app.name !== 'string' || app.name.trim() === '') {
        this.err(`${path}.name`, 'required', `Application ${path} needs a name.`);
        continue;
      }
      const first = appKeys.get(nameKey(app.name));
      if (first) {
        this.err(
          `${path}.name`,
          'duplicate-name',
          `Application name "${app.name}" is already used by "${first.app.name}" (at ${first.path})${caseNote(app.name, first.app.name)}; names must be unique regardless of case.`,
        );
        continue;
      }
      appKeys.set(nameKey(app.name), info);
      this.apps.set(app.name, info);
    }
    for (const info of this.appInfos) {
      const { app } = info;
      if (app.type === 'sip-server' && app.backup !== undefined && app.backup !== app.name) {
        const earlier = this.backupOf.get(app.backup);
        if (earlier && earlier !== info) {
          this.err(
            `${info.path}.backup`,
            'backup-shared',
            `SIP Server "${app.backup}" is named as backup by both "${earlier.app.name}" and "${app.name}"; a backup belongs to one HA pair.`,
          );
        } else this.backupOf.set(app.backup, info);
      }
      if (app.type === 'sip-proxy') {
        const serving = tv(info.typed, 'sipproxy', 'servicing-sipserver');
        if (typeof serving === 'string' && serving !== '') {
          const pool = this.pools.get(serving) ?? [];
          pool.push(info);
          this.pools.set(serving, pool);
        }
      }
    }
  }

  private primaryList: AppInfo[] | undefined;
  private describedPoolSet: Set<string> | undefined;

  /** SIP Servers whose switch has a sip-outbound-proxy DN (their proxy pool is known to SIP Server). */
  private describedPools(): Set<string> {
    if (!this.describedPoolSet) {
      this.describedPoolSet = new Set();
      for (const [s, dns] of this.outboundBySwitch) {
        const server = this.doc.switches[s].sipServer;
        if (dns.length > 0 && server !== undefined) this.describedPoolSet.add(server);
      }
    }
    return this.describedPoolSet;
  }

  /**
   * The primaries of the environment's HA pairs in service: sip-servers, nobody's backup, serving a switch that has a
   * sip-outbound-proxy DN (SIP Server then sends through the proxies, so every proxy must monitor the pair). Computed once.
   */
  private primaries(): AppInfo[] {
    if (!this.primaryList) {
      const described = this.describedPools();
      this.primaryList = [...this.apps.values()].filter(
        (i) => i.app.type === 'sip-server' && described.has(i.app.name) && !this.backupOf.has(i.app.name),
      );
    }
    return this.primaryList;
  }

  private sipServerRef(name: string, path: string, what: string, needPrimary: boolean): AppInfo | undefined {
    const target = this.apps.get(name);
    if (!target) {
      this.err(
        path,
        'unknown-reference',
        `${what} names "${name}", which is not an application of the document; it must name a sip-server application.`,
      );
      return undefined;
    }
    if (target.app.type !== 'sip-server') {
      this.err(path, 'wrong-reference-type', `${what} names "${name}", a ${target.app.type}; it must name a sip-server application.`);
      return undefined;
    }
    if (needPrimary && this.backupOf.has(name)) {
      this.err(
        path,
        'not-a-primary',
        `${what} names "${name}", which is the backup of "${this.backupOf.get(name)!.app.name}"; name the primary of the HA pair.`,
      );
    }
    return target;
  }

  private checkApplication(info: AppInfo): void {
    const { app, path } = info;
    const what = `application "${app.name}"`;
    if (app.host === undefined || app.host.trim() === '')
      this.err(`${path}.host`, 'required', `${what} needs "host" (the host it runs on).`);
    else if (!isHostName(app.host.trim()))
      this.err(
        `${path}.host`,
        'invalid-value',
        `${what} has host ${fmt(app.host)}; allowed: a host name or an IP address (no spaces or control characters), as it goes into Via and Record-Route.`,
      );
    const allowedPorts = PORT_IDS[app.type];
    for (const [id, port] of Object.entries(app.ports ?? {})) {
      if (allowedPorts && !allowedPorts.includes(id)) {
        this.err(`${path}.ports.${id}`, 'unknown-port', `${what} has port ID "${id}"; a ${app.type} has ${allowedPorts.join(', ')}.`);
      } else if (!Number.isInteger(port) || port < 1 || port > 65535) {
        this.err(`${path}.ports.${id}`, 'out-of-range', `Port "${id}" of ${what} is ${fmt(port)}; allowed: an integer from 1 to 65535.`);
      }
    }
    if (app.type === 'sip-server') this.checkSipServer(info, what);
    else if (app.type === 'sip-proxy') this.checkProxy(info, what);
  }

  /** sip-address is "the IP address of the ... interface": an IP literal, not a host name. */
  private checkSipAddress(typed: Typed, section: string, path: string, what: string): void {
    const v = tv(typed, section, 'sip-address');
    if (typeof v === 'string' && v !== '' && isIP(v) === 0) {
      this.err(
        `${path}.options.${section}.sip-address`,
        'invalid-value',
        `[${section}] sip-address of ${what} is ${fmt(v)}; allowed: an IPv4 or IPv6 address of one of the host's interfaces.`,
      );
    }
  }

  /** http-address is an IP literal; http-token a bearer token (RFC 6750 §2.1 b64token, 16 characters at least). */
  private checkManagement(typed: Typed, path: string, what: string): void {
    const addr = tv(typed, 'sipproxy', 'http-address');
    if (typeof addr === 'string' && addr !== '' && isIP(addr) === 0) {
      this.err(
        `${path}.options.sipproxy.http-address`,
        'invalid-value',
        `[sipproxy] http-address of ${what} is ${fmt(addr)}; allowed: an IPv4 or IPv6 address.`,
      );
    }
    const token = tv(typed, 'sipproxy', 'http-token');
    if (typeof token === 'string' && token !== '' && !isSecretRef(token) && !/^[A-Za-z0-9\-._~+/]{16,}=*$/.test(token)) {
      this.err(
        `${path}.options.sipproxy.http-token`,
        'invalid-value',
        `[sipproxy] http-token of ${what} is not a usable bearer token; allowed: at least 16 characters of A-Z a-z 0-9 - . _ ~ + / (then optional =).`,
      );
    }
  }

  private checkSipServer(info: AppInfo, what: string): void {
    const { app, path } = info;
    if (app.ports?.['sip-port'] === undefined) this.err(`${path}.ports.sip-port`, 'required', `SIP Server ${what} needs port "sip-port".`);
    this.checkSipAddress(info.typed, 'TServer', path, what);
    // The guide sets these to true on both servers for HA through SIP Proxy; absent is left to SIP Server, false is refused.
    for (const name of ['sip-outbound-proxy', 'sip-enable-rfc3263', 'sip-enable-gdns']) {
      if (tv(info.typed, 'TServer', name) === false) {
        this.err(
          `${path}.options.TServer.${name}`,
          'invalid-value',
          `SIP Server ${what} has [TServer] ${name} false; the guide requires true on both servers of a pair served by SIP Proxy.`,
        );
      }
    }
    if (app.backup === undefined) return;
    const bp = `${path}.backup`;
    if (app.backup === app.name) {
      this.err(bp, 'wrong-reference-type', `SIP Server ${what} names itself as backup; name the other server of the HA pair.`);
      return;
    }
    const backup = this.sipServerRef(app.backup, bp, `The backup of ${what}`, false);
    if (!backup) return;
    if (backup.app.backup !== undefined) {
      this.err(
        bp,
        'wrong-reference-type',
        `The backup of ${what}, "${backup.app.name}", names a backup itself; an HA pair is one primary and one backup.`,
      );
    }
    const p = app.ports?.['sip-port'];
    const b = backup.app.ports?.['sip-port'];
    if (p !== undefined && b !== undefined && p !== b) {
      this.err(
        `${backup.path}.ports.sip-port`,
        'ha-sip-port-mismatch',
        `Both SIP Servers of an HA pair must have the same sip-port: primary "${app.name}" has ${p}, backup "${backup.app.name}" has ${b}.`,
      );
    }
  }

  private checkProxy(info: AppInfo, what: string): void {
    const { app, path, typed } = info;
    const sp = `${path}.options.sipproxy`;
    const ports = app.ports ?? {};
    this.checkManagement(typed, path, what);
    const tlsPort = ports['tls-port'];
    // TCP is "enabled" when the proxy has its sip-port (the guide's SIP port serves UDP and TCP). TLS runs over TCP:
    // a tls-port without it is refused, as Dialogic refuses TLS without TCP (IPERR_INVALID_TLS_WITHOUT_TCP).
    if (ports['sip-port'] === undefined) {
      if (tlsPort !== undefined) {
        this.err(
          `${path}.ports.sip-port`,
          'tls-without-tcp',
          `SIP Proxy ${what} has tls-port ${tlsPort} but no sip-port: TLS runs over TCP, and TCP (with UDP) is served on the sip-port; add sip-port.`,
        );
      } else {
        this.err(`${path}.ports.sip-port`, 'required', `SIP Proxy ${what} needs port "sip-port".`);
      }
    }
    // sipproxy-role: only standalone mode (10) is served.
    const role = tv(typed, 'sipproxy', 'sipproxy-role');
    const rawRole = app.options?.sipproxy?.['sipproxy-role'];
    if (rawRole === undefined) {
      this.err(
        `${sp}.sipproxy-role`,
        'required',
        `SIP Proxy ${what} must set sipproxy-role (or siproxy-role) to 10: its default 0 is reserved for engineering purposes and 10 (standalone) is the only mode served.`,
      );
    } else if (role === 0) {
      this.err(
        `${sp}.sipproxy-role`,
        'unsupported-role',
        `SIP Proxy ${what} has sipproxy-role 0, which the guide reserves for engineering purposes; only 10 (standalone mode) is served. Set it to 10.`,
      );
    }
    // applications: the primaries this proxy monitors.
    const list = tv(typed, 'sipproxy', 'applications');
    const monitored = new Set<string>();
    if (app.options?.sipproxy?.applications === undefined || (Array.isArray(list) && list.length === 0)) {
      this.err(
        `${sp}.applications`,
        'required',
        `SIP Proxy ${what} needs [sipproxy] applications: the comma-separated names of the primary SIP Servers it monitors.`,
      );
    } else if (Array.isArray(list)) {
      const seen = new Set<string>();
      for (const name of list as readonly string[]) {
        if (seen.has(name)) {
          this.err(`${sp}.applications`, 'duplicate-name', `[sipproxy] applications of ${what} lists "${name}" twice.`);
          continue;
        }
        seen.add(name);
        if (this.sipServerRef(name, `${sp}.applications`, `[sipproxy] applications of ${what}`, true)) monitored.add(name);
      }
    }
    // The guide: "a comma-separated list of all SIP Server applications names in the environment. Only primary
    // servers need to be specified" -- each proxy monitors every pair.
    if (Array.isArray(list) && (list as readonly string[]).length > 0) {
      for (const primary of this.primaries()) {
        if (!monitored.has(primary.app.name)) {
          this.err(
            `${sp}.applications`,
            'pair-not-monitored',
            `[sipproxy] applications of ${what} does not list the primary SIP Server "${primary.app.name}"; the guide wants every primary of the environment listed (each proxy monitors every HA pair).`,
          );
        }
      }
    }
    // servicing-sipserver: one of applications.
    const serving = tv(typed, 'sipproxy', 'servicing-sipserver');
    if (typeof serving !== 'string' || serving === '') {
      if (app.options?.sipproxy?.['servicing-sipserver'] === undefined || serving === '') {
        this.err(
          `${sp}.servicing-sipserver`,
          'required',
          `SIP Proxy ${what} needs [sipproxy] servicing-sipserver (or serving-sipserver): the primary SIP Server that receives requests from endpoints and gateways.`,
        );
      }
    } else if (
      this.sipServerRef(serving, `${sp}.servicing-sipserver`, `[sipproxy] servicing-sipserver of ${what}`, true) &&
      Array.isArray(list)
    ) {
      if (!(list as readonly string[]).includes(serving)) {
        this.err(
          `${sp}.servicing-sipserver`,
          'unknown-reference',
          `[sipproxy] servicing-sipserver of ${what} is "${serving}", which is not in its applications (${(list as readonly string[]).join(', ')}); it must be one of them.`,
        );
      }
      if (!this.describedPools().has(serving)) {
        // Nothing tells SIP Server about this pool: the guide's proxy stops with 40000 SPR_OWN_PROXY_ADDR_NOT_FOUND.
        this.err(
          `${sp}.servicing-sipserver`,
          'pool-not-described',
          `SIP Proxy ${what} serves "${serving}", but no switch served by "${serving}" has a sip-outbound-proxy VoIP Service DN describing its pool; add one (switch with sip-server "${serving}").`,
        );
      }
    }
    this.checkSipAddress(typed, 'sipproxy', path, what);
    // [sipproxy] oos-check 0 (detection off) is refused by the registry's own range (min 1), like any bad value.
    // TLS: a tls-port needs the certificate and its key; so does http-client-ca (the management port then serves
    // HTTPS with them).
    const sec = `${path}.options.security`;
    const cert = tv(typed, 'security', 'certificate');
    const keyPem = tv(typed, 'security', 'certificate-key');
    const ca = tv(typed, 'security', 'trusted-ca');
    const clientCa = tv(typed, 'sipproxy', 'http-client-ca');
    const needsCert =
      tlsPort !== undefined
        ? `has tls-port ${tlsPort}`
        : typeof clientCa === 'string' && clientCa !== ''
          ? 'has [sipproxy] http-client-ca (mutual TLS on the management port)'
          : undefined;
    if (needsCert !== undefined) {
      if (typeof cert !== 'string' || cert === '') {
        this.err(
          `${sec}.certificate`,
          'required',
          `SIP Proxy ${what} ${needsCert} and so needs [security] certificate (file path or inline PEM).`,
        );
      }
      if (typeof keyPem !== 'string' || keyPem === '') {
        this.err(
          `${sec}.certificate-key`,
          'required',
          `SIP Proxy ${what} ${needsCert} and so needs [security] certificate-key (file path or inline PEM).`,
        );
      }
    }
    if (tlsPort !== undefined) {
      if (tv(typed, 'security', 'tls-mutual') === 1 && (typeof ca !== 'string' || ca === '')) {
        this.err(
          `${sec}.trusted-ca`,
          'trusted-ca-required',
          `SIP Proxy ${what} has tls-mutual 1 and so needs [security] trusted-ca to verify client certificates.`,
        );
      }
      if (this.opts.checkTlsMaterial && typeof cert === 'string' && cert !== '' && typeof keyPem === 'string' && keyPem !== '') {
        let problems;
        try {
          problems = this.opts.checkTlsMaterial({
            application: app.name,
            certificate: cert,
            certificateKey: keyPem,
            trustedCa: typeof ca === 'string' && ca !== '' ? ca : undefined,
          });
        } catch (e) {
          problems = [
            { option: 'certificate' as const, message: `TLS material could not be checked: ${e instanceof Error ? e.message : String(e)}` },
          ];
        }
        for (const p of problems) this.err(`${sec}.${p.option}`, 'tls-material', `SIP Proxy ${what}: ${p.message}.`);
      }
    }
  }

  /**
   * Two listeners on one host and port cannot both start (the guide's 40006/40007 events): every port of every
   * application must be distinct per host (host names compared case-insensitively, as written).
   */
  private checkPortConflicts(): void {
    const taken = new Map<string, { info: AppInfo; id: string }>();
    for (const info of this.appInfos) {
      const host = info.app.host?.trim().toLowerCase();
      if (!host) continue;
      const ports = info.app.ports ?? {};
      // SIP ports first, so a clash with the http-port is reported on the http-port.
      const ids = Object.keys(ports).sort((a, b) => portRank(a) - portRank(b));
      for (const id of ids) {
        const port = ports[id];
        const k = `${host}:${port}`;
        const first = taken.get(k);
        if (!first) {
          taken.set(k, { info, id });
          continue;
        }
        this.err(
          `${info.path}.ports.${id}`,
          'port-conflict',
          `Port "${id}" ${port} of application "${info.app.name}" on host ${info.app.host} is already "${first.id}" of application "${first.info.app.name}" on that host; each listener needs its own host:port.`,
        );
      }
    }
  }

  /** Every proxy of one pool (same servicing-sipserver) must have the same TLS port. */
  private checkPools(): void {
    for (const [serving, pool] of this.pools) {
      const first = pool[0];
      const t0 = first.app.ports?.['tls-port'];
      for (const p of pool.slice(1)) {
        const t = p.app.ports?.['tls-port'];
        if (t !== t0) {
          this.err(
            `${p.path}.ports.tls-port`,
            'pool-tls-port-mismatch',
            `All proxies of the pool serving "${serving}" must have the same TLS port: "${first.app.name}" has ${t0 ?? 'none'}, "${p.app.name}" has ${t ?? 'none'}.`,
          );
        }
      }
    }
  }

  // ------------------------------------------------------------ switches and DNs

  /** Indexes switch names and sip-outbound-proxy DNs; checks DN options. Returns each switch's DNs' typed options. */
  private indexSwitches(): Typed[][] {
    const { doc } = this;
    const names = new Map<string, number>();
    const all: Typed[][] = [];
    for (let s = 0; s < doc.switches.length; s++) {
      const sw = doc.switches[s];
      const path = `switches[${s}]`;
      if (typeof sw.name !== 'string' || sw.name.trim() === '') this.err(`${path}.name`, 'required', `Switch ${path} needs a name.`);
      else {
        const first = names.get(nameKey(sw.name));
        if (first !== undefined) {
          const other = doc.switches[first].name;
          this.err(
            `${path}.name`,
            'duplicate-name',
            `Switch name "${sw.name}" is already used by "${other}" (at switches[${first}])${caseNote(sw.name, other)}; names must be unique regardless of case.`,
          );
        } else names.set(nameKey(sw.name), s);
      }
      const numbers = new Map<string, number>();
      const typedDns: Typed[] = [];
      const outbound: OutboundDn[] = [];
      for (let d = 0; d < sw.dns.length; d++) {
        const dn = sw.dns[d];
        const dp = `${path}.dns[${d}]`;
        const what = `DN "${dn.number}" of switch "${sw.name}"`;
        if (typeof dn.number !== 'string' || dn.number.trim() === '')
          this.err(`${dp}.number`, 'required', `DN ${dp} of switch "${sw.name}" needs a number.`);
        else {
          const first = numbers.get(nameKey(dn.number));
          if (first !== undefined) {
            const other = sw.dns[first].number;
            this.err(
              `${dp}.number`,
              'duplicate-name',
              `${what} is already defined as DN "${other}" (at ${path}.dns[${first}])${caseNote(dn.number, other)}; DN numbers are unique within a switch regardless of case.`,
            );
          } else numbers.set(nameKey(dn.number), d);
        }
        const kind = (DN_KINDS as readonly string[]).includes(dn.type) ? (dn.type as ObjectKind) : undefined;
        if (!kind)
          this.err(
            `${dp}.type`,
            dn.type ? 'unknown-type' : 'required',
            `${what} has type ${fmt(dn.type)}; allowed: ${DN_KINDS.join(', ')}.`,
          );
        const typed = this.checkOptions(kind, dn.options ?? {}, dp, what);
        typedDns.push(typed);
        if (kind === 'voip-service' && tv(typed, 'TServer', 'service-type') === OUTBOUND_PROXY) {
          const ec = tv(typed, 'TServer', 'external-contact');
          const o: OutboundDn = { switchIndex: s, sw, path: dp, typed, externalContact: typeof ec === 'string' ? ec : undefined };
          outbound.push(o);
          if (o.externalContact !== undefined) {
            const k = normHostPort(o.externalContact);
            const first = this.byExternalContact.get(k);
            if (!first) this.byExternalContact.set(k, o);
            else if (first.switchIndex !== s) {
              // Each HA pair has its own pool: two switches cannot share an external-contact (trunks could not tell them apart).
              this.err(
                `${dp}.options.TServer.external-contact`,
                'duplicate-name',
                `${what} has external-contact "${o.externalContact}", already the pool of switch "${first.sw.name}"; each switch's pool has its own.`,
              );
            }
          }
        }
      }
      this.outboundBySwitch.set(s, outbound);
      all.push(typedDns);
    }
    return all;
  }

  private checkSwitch(s: number, typedDns: Typed[]): void {
    const sw = this.doc.switches[s];
    const path = `switches[${s}]`;
    const what = `switch "${sw.name}"`;
    let servedByPrimary = false;
    if (sw.sipServer === undefined || sw.sipServer === '') {
      this.err(
        `${path}.sip-server`,
        'required',
        `${what} needs "sip-server": the primary SIP Server application of the HA pair that serves it.`,
      );
    } else {
      servedByPrimary =
        this.sipServerRef(sw.sipServer, `${path}.sip-server`, `"sip-server" of ${what}`, true) !== undefined &&
        !this.backupOf.has(sw.sipServer);
    }
    const pool = sw.sipServer !== undefined ? (this.pools.get(sw.sipServer) ?? []) : [];
    const outbound = this.outboundBySwitch.get(s) ?? [];
    // An empty switch is allowed so the control plane can build a site edit by edit (switch, then its DNs);
    // as soon as it has DNs, its pool must be described.
    if (outbound.length === 0 && sw.dns.length > 0) {
      this.err(
        `${path}.dns`,
        'outbound-proxy-dn-count',
        `${what} needs one DN of type voip-service with [TServer] service-type sip-outbound-proxy, describing its proxy pool (add it before its other DNs).`,
      );
    }
    for (const extra of outbound.slice(1)) {
      this.err(
        `${extra.path}.options.TServer.service-type`,
        'outbound-proxy-dn-count',
        `${what} has more than one sip-outbound-proxy VoIP Service DN (first at ${outbound[0].path}); one per switch.`,
      );
    }
    // Calls to place (trunks, extensions) need a proxy of the switch's pool to carry them. The sip-outbound-proxy DN
    // alone is allowed without one: a proxy can only be added once that DN describes its pool (pool-not-described).
    if (pool.length === 0 && servedByPrimary && sw.dns.length > outbound.length) {
      this.err(
        `${path}.sip-server`,
        'no-proxy-serving',
        `${what} has DNs but no SIP Proxy serves it: add a sip-proxy application with [sipproxy] servicing-sipserver "${sw.sipServer}".`,
      );
    }
    for (let d = 0; d < sw.dns.length; d++) {
      const dn = sw.dns[d];
      const typed = typedDns[d];
      const dp = `${path}.dns[${d}]`;
      this.checkRequestUri(typed, dp, `DN "${dn.number}" of ${what}`);
      const dwhat = `${dn.type === 'trunk' ? 'Trunk' : dn.type === 'voip-service' ? 'VoIP Service' : 'Extension'} DN "${dn.number}" of ${what}`;
      if (dn.type === 'voip-service' && tv(typed, 'TServer', 'service-type') === OUTBOUND_PROXY)
        this.checkOutboundDn(dn, typed, dp, dwhat, pool, sw);
      else if (dn.type === 'trunk') this.checkTrunk(dn, typed, dp, dwhat, s);
      else if (dn.type === 'extension') this.checkExtension(dn, typed, dp, dwhat, pool, sw);
    }
  }

  /** The guide's TLS limitations: request-uri, if used, "must contain valid host, port, and transport information". */
  private checkRequestUri(typed: Typed, dp: string, dwhat: string): void {
    const v = tv(typed, 'TServer', 'request-uri');
    if (typeof v !== 'string' || v === '') return;
    const c = parseContact(v);
    if (!c) return; // malformed values are reported by the value check
    const missing = [c.port === undefined ? 'port' : '', c.transport === undefined ? 'transport' : ''].filter(Boolean);
    if (missing.length > 0) {
      this.err(
        `${dp}.options.TServer.request-uri`,
        'request-uri-incomplete',
        `${dwhat} has request-uri ${fmt(v)} without ${missing.join(' and ')}; the guide wants host, port and transport (e.g. "sip:10.0.0.5:5060;transport=udp").`,
      );
    }
  }

  private requireOptions(dn: DnDoc, dp: string, dwhat: string, names: readonly string[], why: string): void {
    const ts = dn.options?.TServer;
    for (const n of names) {
      if (ts?.[n] === undefined) this.err(`${dp}.options.TServer.${n}`, 'required', `${dwhat} needs [TServer] ${n} (${why}).`);
    }
  }

  private checkOos(dn: DnDoc, typed: Typed, dp: string, dwhat: string): void {
    // The registry's mandatoryMin decides (the UI reads the same entry): 0 turns detection off on these DNs.
    const def = findOption(dn.type, 'TServer', 'oos-check');
    const v = tv(typed, 'TServer', 'oos-check');
    if (def?.mandatoryMin !== undefined && typeof v === 'number' && v < def.mandatoryMin) {
      this.err(
        `${dp}.options.TServer.oos-check`,
        'oos-disabled',
        `${dwhat} has oos-check ${v}, which turns Active Out-of-Service Detection off; the guide says it must be enabled for SIP Proxy to work: ${def.mandatoryMin} to ${def.max} seconds.`,
      );
    }
  }

  private checkOutboundDn(dn: DnDoc, typed: Typed, dp: string, dwhat: string, pool: readonly AppInfo[], sw: SwitchDoc): void {
    this.requireOptions(dn, dp, dwhat, ['contact', 'external-contact', 'oos-check', 'oos-force'], 'mandatory on the sip-outbound-proxy DN');
    this.checkOos(dn, typed, dp, dwhat);
    const op = `${dp}.options.TServer`;
    const contactV = tv(typed, 'TServer', 'contact');
    const contact = typeof contactV === 'string' ? parseContact(contactV) : undefined;
    const portTls = tv(typed, 'TServer', 'sip-port-tls');
    const tlsOn = typeof portTls === 'number' && portTls !== 0;
    if (contact?.transport === 'tls' && !tlsOn) {
      this.err(
        `${op}.sip-port-tls`,
        'tls-port-required',
        `${dwhat} has contact with ;transport=tls, so it needs [TServer] sip-port-tls set to the proxies' tls-port (not 0).`,
      );
    }
    if (contact?.transport === 'tls' && sw.sipServer !== undefined) {
      // TLS as the internal protocol: "a dedicated TLS port ... must be configured for both SIP Server and SIP Proxy".
      const primary = this.apps.get(sw.sipServer);
      const backup = primary?.app.backup !== undefined ? this.apps.get(primary.app.backup) : undefined;
      for (const server of [primary, backup]) {
        if (server && server.app.type === 'sip-server' && server.app.ports?.['tls-port'] === undefined) {
          this.err(
            `${server.path}.ports.tls-port`,
            'tls-port-required',
            `SIP Server "${server.app.name}" serves switch "${sw.name}", whose sip-outbound-proxy DN uses TLS (contact ;transport=tls); it needs a tls-port.`,
          );
        }
      }
    }
    if (tlsOn || contact?.transport === 'tls') {
      for (const p of pool) {
        const t = p.app.ports?.['tls-port'];
        if (t === undefined) {
          this.err(
            `${p.path}.ports.tls-port`,
            'tls-port-required',
            `SIP Proxy "${p.app.name}" serves switch "${sw.name}", whose sip-outbound-proxy DN uses TLS; it needs a tls-port${tlsOn ? ` (${portTls})` : ''}.`,
          );
        } else if (tlsOn && t !== portTls) {
          this.err(
            `${op}.sip-port-tls`,
            'tls-port-mismatch',
            `${dwhat} has sip-port-tls ${portTls} but SIP Proxy "${p.app.name}" of its pool has tls-port ${t}; they must be equal.`,
          );
        }
      }
    }
    const ec = tv(typed, 'TServer', 'external-contact');
    const hp = typeof ec === 'string' ? parseHostPort(ec) : undefined;
    if (hp) {
      for (const p of pool) {
        const sp = p.app.ports?.['sip-port'];
        if (sp !== undefined && sp !== hp.port) {
          this.err(
            `${op}.external-contact`,
            'pool-sip-port-mismatch',
            `${dwhat} has external-contact port ${hp.port} but SIP Proxy "${p.app.name}" of its pool listens on sip-port ${sp}; all proxies of the pool listen on the external-contact port.`,
          );
        }
      }
    }
  }

  private checkTrunk(dn: DnDoc, typed: Typed, dp: string, dwhat: string, s: number): void {
    const op = `${dp}.options.TServer`;
    const ppc = tv(typed, 'TServer', 'peer-proxy-contact');
    const contactV = tv(typed, 'TServer', 'contact');
    const contact = typeof contactV === 'string' ? parseContact(contactV) : undefined;
    const protocol = tv(typed, 'TServer', 'peer-proxy-protocol') ?? 'udp';
    const portTls = tv(typed, 'TServer', 'peer-proxy-port-tls');
    if (typeof ppc === 'string' || dn.options?.TServer?.['peer-proxy-contact'] !== undefined) {
      // A multi-site trunk.
      const own = this.doc.switches[s].sipServer;
      let bcBy = this.isBusinessContinuity(own) ? `switch "${this.doc.switches[s].name}" (SIP Server "${own}")` : undefined;
      this.requireOptions(dn, dp, dwhat, ['contact', 'oos-check', 'oos-force'], 'mandatory on a multi-site trunk');
      this.checkOos(dn, typed, dp, dwhat);
      if (dn.options?.TServer?.['resolve-external-contact'] !== undefined && tv(typed, 'TServer', 'resolve-external-contact') === false) {
        this.err(
          `${op}.resolve-external-contact`,
          'invalid-value',
          `${dwhat} has peer-proxy-contact, so resolve-external-contact must be true (guide: on all trunks that have peer-proxy-contact).`,
        );
      } else if (dn.options?.TServer?.['resolve-external-contact'] === undefined) {
        this.err(
          `${op}.resolve-external-contact`,
          'required',
          `${dwhat} has peer-proxy-contact, so it needs resolve-external-contact: true (guide: on all trunks that have peer-proxy-contact).`,
        );
      }
      // DNS-resolution mode: contact is an FQDN without port (resolved by SRV to the remote primary and backup).
      if (contact && contact.port === undefined && !IP_RE.test(contact.host) && tv(typed, 'TServer', 'replace-uri-contact') !== true) {
        this.err(
          `${op}.replace-uri-contact`,
          dn.options?.TServer?.['replace-uri-contact'] === undefined ? 'required' : 'invalid-value',
          `${dwhat} uses DNS resolution (contact "${contactV as string}" has no port), so replace-uri-contact must be true.`,
        );
      }
      if (typeof ppc === 'string') {
        const remote = this.byExternalContact.get(normHostPort(ppc));
        if (!remote || remote.switchIndex === s) {
          const known = [...this.byExternalContact.values()]
            .filter((o) => o.switchIndex !== s)
            .map((o) => `"${o.externalContact}" (switch "${o.sw.name}")`);
          this.err(
            `${op}.peer-proxy-contact`,
            'peer-proxy-contact-mismatch',
            `${dwhat} has peer-proxy-contact "${ppc}", which is not the external-contact of the sip-outbound-proxy DN of another switch; ` +
              (known.length > 0
                ? `known: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', ...' : ''}.`
                : 'no other switch has one.'),
          );
        } else {
          this.checkTrunkTls(remote, protocol, portTls, op, dwhat);
          // Guide, multi-site TLS: peer-proxy-protocol is tls "if TLS is used as an internal protocol ... on the remote
          // site" (its sip-outbound-proxy contact says ;transport=tls). Own ;transport=tls is reported below.
          const remoteContactV = tv(remote.typed, 'TServer', 'contact');
          const remoteContact = typeof remoteContactV === 'string' ? parseContact(remoteContactV) : undefined;
          if (remoteContact?.transport === 'tls' && protocol !== 'tls' && contact?.transport !== 'tls') {
            this.err(
              `${op}.peer-proxy-protocol`,
              'peer-proxy-tls',
              `${dwhat} reaches switch "${remote.sw.name}", whose SIP Server and proxies use TLS internally (contact ${fmt(remoteContactV)}), so peer-proxy-protocol must be tls (it is ${fmt(protocol)}).`,
            );
          }
          if (this.isBusinessContinuity(remote.sw.sipServer)) bcBy ??= `switch "${remote.sw.name}" (SIP Server "${remote.sw.sipServer}")`;
        }
      }
      if (bcBy !== undefined && contact && (contact.port !== undefined || IP_RE.test(contact.host))) {
        this.err(
          `${op}.contact`,
          'dns-resolution-required',
          `${dwhat} has contact ${fmt(contactV)}, a single server; ${bcBy} is part of a Business Continuity deployment, which must use DNS resolution: contact is the FQDN (no port) resolved into the SRV records of the remote primary and backup.`,
        );
      }
    }
    if (contact?.transport === 'tls') {
      if (protocol !== 'tls') {
        this.err(
          `${op}.peer-proxy-protocol`,
          'peer-proxy-tls',
          `${dwhat} has contact with ;transport=tls, so peer-proxy-protocol must be tls (it is ${fmt(protocol)}).`,
        );
      }
      if (portTls === undefined) {
        this.err(
          `${op}.peer-proxy-port-tls`,
          'peer-proxy-tls',
          `${dwhat} has contact with ;transport=tls, so it needs peer-proxy-port-tls: the remote proxies' tls-port.`,
        );
      }
    } else if (protocol === 'tls' && portTls === undefined) {
      this.err(
        `${op}.peer-proxy-port-tls`,
        'peer-proxy-tls',
        `${dwhat} has peer-proxy-protocol tls, so it needs peer-proxy-port-tls: the remote proxies' tls-port.`,
      );
    }
  }

  /** peer-proxy-port-tls must be the remote pool's TLS port. */
  private checkTrunkTls(remote: OutboundDn, protocol: OptionValue, portTls: OptionValue | undefined, op: string, dwhat: string): void {
    if (protocol !== 'tls' && portTls === undefined) return;
    const remoteServing = remote.sw.sipServer;
    const pool = remoteServing !== undefined ? (this.pools.get(remoteServing) ?? []) : [];
    const remoteTls = tv(remote.typed, 'TServer', 'sip-port-tls');
    const expected =
      pool.find((p) => p.app.ports?.['tls-port'] !== undefined)?.app.ports['tls-port'] ??
      (typeof remoteTls === 'number' && remoteTls !== 0 ? remoteTls : undefined);
    if (expected === undefined) {
      this.err(
        `${op}.peer-proxy-protocol`,
        'peer-proxy-tls',
        `${dwhat} uses TLS toward switch "${remote.sw.name}", whose proxy pool has no TLS port.`,
      );
    } else if (typeof portTls === 'number' && portTls !== expected) {
      this.err(
        `${op}.peer-proxy-port-tls`,
        'tls-port-mismatch',
        `${dwhat} has peer-proxy-port-tls ${portTls} but the proxies of switch "${remote.sw.name}" listen for TLS on ${expected}; they must be equal.`,
      );
    }
  }

  private checkExtension(_dn: DnDoc, typed: Typed, dp: string, dwhat: string, pool: readonly AppInfo[], sw: SwitchDoc): void {
    const contactV = tv(typed, 'TServer', 'contact');
    const contact = typeof contactV === 'string' ? parseContact(contactV) : undefined;
    if (contact?.transport !== 'tls') return;
    for (const p of pool) {
      if (p.app.ports?.['tls-port'] === undefined) {
        this.err(
          `${dp}.options.TServer.contact`,
          'tls-port-required',
          `${dwhat} has contact with ;transport=tls but SIP Proxy "${p.app.name}", which serves switch "${sw.name}", has no tls-port.`,
        );
      }
    }
  }
}
