import { Injectable } from '@nestjs/common';
import { AppError, badRequest } from '../../common/errors.js';
import { ConfigurationService, type CommitResult, type LocatedError } from '../configuration/configuration.service.js';
import { applyTrunkPlan, planTrunks, type ProvisionRequest, type TrunkPlan } from './trunk-plan.js';

export interface ProvisionResult {
  plan: TrunkPlan;
  result?: CommitResult;
  errors: LocatedError[];
}

@Injectable()
export class TrunksService {
  constructor(private readonly config: ConfigurationService) {}

  /** Existing multi-site trunks: each switch's trunks with a peer-proxy-contact, and the site that contact points at. */
  async list() {
    const { doc } = await this.config.head();
    const byExternal = new Map<string, string>();
    for (const s of doc.switches)
      for (const d of s.dns) {
        const ec = d.options.TServer?.['external-contact'];
        if (d.type === 'voip-service' && typeof ec === 'string') byExternal.set(ec.toLowerCase(), s.name);
      }
    return doc.switches.flatMap((s) =>
      s.dns
        .filter((d) => d.type === 'trunk' && d.options.TServer?.['peer-proxy-contact'] !== undefined)
        .map((d) => {
          const t = d.options.TServer;
          return {
            switch: s.name,
            number: d.number,
            remoteSwitch: byExternal.get(String(t['peer-proxy-contact']).toLowerCase()) ?? null,
            contact: t.contact ?? null,
            peerProxyContact: t['peer-proxy-contact'],
            peerProxyProtocol: t['peer-proxy-protocol'] ?? 'udp',
            mode: t['replace-uri-contact'] === true ? 'dns' : 'per-server',
          };
        }),
    );
  }

  /** Plans and (unless dryRun) applies the trunks; re-running converges. Validation errors come back with the plan. */
  /** `req` is validated by TrunkProvisionBody. */
  async provision(actor: string, req: ProvisionRequest, dryRun: boolean): Promise<ProvisionResult> {
    const { doc } = await this.config.head();
    const plan = planTrunks(doc, req);
    if (plan.problems.length && !dryRun)
      throw badRequest(
        'TRUNK_PLAN_INVALID',
        plan.problems.join('; '),
        plan.problems.map((p) => ({ path: '', message: p })),
      );
    try {
      const result = await this.config.commit(
        actor,
        `provision ${req.mode} trunks ${req.switch} -> ${req.remoteSwitch}`,
        (d) => {
          applyTrunkPlan(d, planTrunks(d, req));
        },
        { dryRun },
      );
      return { plan, result, errors: [] };
    } catch (e) {
      if (dryRun && e instanceof AppError && e.code === 'CONFIG_INVALID') return { plan, errors: e.errors ?? [] };
      throw e;
    }
  }
}
