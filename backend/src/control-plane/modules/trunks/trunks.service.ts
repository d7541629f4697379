import { Injectable } from '@nestjs/common';
import { AppError, badRequest } from '../../common/errors.js';
import { ConfigurationService, type CommitResult, type LocatedError } from '../configuration/configuration.service.js';
import { applyTrunkPlan, planTrunks, type ProvisionRequest, type TrunkPlan } from './trunk-plan.js';

export interface ProvisionResult { plan: TrunkPlan; result?: CommitResult; errors: LocatedError[] }

@Injectable()
export class TrunksService {
  constructor(private readonly config: ConfigurationService) {}

  /** Existing multi-site trunks: each switch's trunks with a peer-proxy-contact, and the site that contact points at. */
  async list() {
    const { doc } = await this.config.head();
    const byExternal = new Map<string, string>();
    for (const s of doc.switches) for (const d of s.dns) {
      const ec = d.options.TServer?.['external-contact'];
      if (d.type === 'voip-service' && typeof ec === 'string') byExternal.set(ec.toLowerCase(), s.name);
    }
    return doc.switches.flatMap((s) => s.dns.filter((d) => d.type === 'trunk' && d.options.TServer?.['peer-proxy-contact'] !== undefined).map((d) => {
      const t = d.options.TServer!;
      return { switch: s.name, number: d.number, remoteSwitch: byExternal.get(String(t['peer-proxy-contact']).toLowerCase()) ?? null, contact: t.contact ?? null, peerProxyContact: t['peer-proxy-contact'], peerProxyProtocol: t['peer-proxy-protocol'] ?? 'udp', mode: t['replace-uri-contact'] === true ? 'dns' : 'per-server' };
    }));
  }

  /** Plans and (unless dryRun) applies the trunks; re-running converges. Validation errors come back with the plan. */
  async provision(actor: string, body: Partial<ProvisionRequest>, dryRun: boolean): Promise<ProvisionResult> {
    const req = check(body);
    const { doc } = await this.config.head();
    const plan = planTrunks(doc, req);
    if (plan.problems.length && !dryRun) throw badRequest('TRUNK_PLAN_INVALID', plan.problems.join('; '), plan.problems.map((p) => ({ path: '', message: p })));
    try {
      const result = await this.config.commit(actor, `provision ${req.mode} trunks ${req.switch} -> ${req.remoteSwitch}`, (d) => { applyTrunkPlan(d, planTrunks(d, req)); }, { dryRun });
      return { plan, result, errors: [] };
    } catch (e) {
      if (dryRun && e instanceof AppError && e.code === 'CONFIG_INVALID') return { plan, errors: (e.errors ?? []) as LocatedError[] };
      throw e;
    }
  }
}

function check(b: Partial<ProvisionRequest>): ProvisionRequest {
  if (!b || typeof b.switch !== 'string' || typeof b.remoteSwitch !== 'string') throw badRequest('INVALID_BODY', 'switch and remoteSwitch are required');
  if (b.mode !== 'dns' && b.mode !== 'per-server') throw badRequest('INVALID_BODY', "mode must be 'dns' (DNS resolution) or 'per-server' (one trunk per server of the remote pair)");
  for (const k of ['oosCheck', 'oosForce'] as const) if (b[k] !== undefined && (typeof b[k] !== 'number' || !Number.isInteger(b[k]))) throw badRequest('INVALID_BODY', `${k} must be a whole number`);
  return { switch: b.switch, remoteSwitch: b.remoteSwitch, mode: b.mode, contact: typeof b.contact === 'string' && b.contact ? b.contact : undefined, tls: b.tls === true, oosCheck: b.oosCheck, oosForce: b.oosForce };
}
