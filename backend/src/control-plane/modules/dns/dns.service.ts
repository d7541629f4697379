import { Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound } from '../../common/errors.js';
import type { DnEntity } from '../configuration/config.entities.js';
import { ConfigRepository, type ListQuery } from '../configuration/config.repository.js';
import { ConfigurationService, type CommitResult } from '../configuration/configuration.service.js';
import { applyOptionsPatch, optionalRevision, requireString } from '../configuration/edits.js';
import { dnKey } from '../configuration/document-diff.js';

export interface DnBody { number?: unknown; type?: unknown; options?: unknown; revision?: unknown }
const view = (d: DnEntity) => ({ switch: d.switchName, number: d.number, type: d.type, options: d.options, revision: d.revision });

@Injectable()
export class DnsService {
  constructor(private readonly repo: ConfigRepository, private readonly config: ConfigurationService) {}

  async list(switchName: string | undefined, q: ListQuery) {
    if (switchName && !(await this.repo.findSwitch(switchName))) throw notFound(`Switch ${switchName}`);
    const p = await this.repo.listDns(switchName, q);
    return { ...p, items: p.items.map(view) };
  }

  async get(switchName: string, number: string) {
    const d = await this.repo.findDn(switchName, number);
    if (!d) throw notFound(`DN ${number} of switch ${switchName}`);
    return view(d);
  }

  create(actor: string, switchName: string, body: DnBody, dryRun: boolean): Promise<CommitResult> {
    const number = requireString(typeof body?.number === 'number' ? String(body.number) : body?.number, 'number');
    return this.config.commit(actor, `create DN ${number} on ${switchName}`, (doc) => {
      const sw = doc.switches.find((s) => s.name === switchName);
      if (!sw) throw notFound(`Switch ${switchName}`);
      if (sw.dns.some((d) => d.number === number)) throw conflict('ALREADY_EXISTS', `Switch ${switchName} already has a DN ${number}`);
      const dn = { number, type: requireString(body.type, 'type'), options: {} };
      applyOptionsPatch(dn.options, body.options, `DN ${number}`);
      sw.dns.push(dn);
    }, { dryRun });
  }

  update(actor: string, switchName: string, number: string, body: DnBody, dryRun: boolean): Promise<CommitResult> {
    if (body?.number !== undefined && String(body.number) !== number) throw badRequest('RENAME_UNSUPPORTED', 'Renumbering a DN is not supported');
    return this.config.commit(actor, `edit DN ${number} on ${switchName}`, (doc) => {
      const dn = doc.switches.find((s) => s.name === switchName)?.dns.find((d) => d.number === number);
      if (!dn) throw notFound(`DN ${number} of switch ${switchName}`);
      if (body.type !== undefined) dn.type = requireString(body.type, 'type');
      applyOptionsPatch(dn.options, body.options, `DN ${number}`);
    }, { dryRun, expect: [{ object: 'dn', name: dnKey(switchName, number), revision: optionalRevision(body?.revision) }] });
  }

  remove(actor: string, switchName: string, number: string, revision: number | undefined): Promise<CommitResult> {
    return this.config.commit(actor, `delete DN ${number} on ${switchName}`, (doc) => {
      const sw = doc.switches.find((s) => s.name === switchName);
      const i = sw?.dns.findIndex((d) => d.number === number) ?? -1;
      if (!sw || i < 0) throw notFound(`DN ${number} of switch ${switchName}`);
      sw.dns.splice(i, 1);
    }, { expect: [{ object: 'dn', name: dnKey(switchName, number), revision }] });
  }
}
