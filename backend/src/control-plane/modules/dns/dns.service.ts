import { Injectable } from '@nestjs/common';
import { alreadyExists, badRequest, notFound } from '../../common/errors.js';
import { caseNote, findSameName } from '../../../contracts/names.js';
import type { DnEntity } from '../configuration/config.entities.js';
import { ConfigRepository, type ListQuery } from '../configuration/config.repository.js';
import { ConfigurationService, type CommitResult } from '../configuration/configuration.service.js';
import { applyOptionsPatch } from '../configuration/edits.js';
import { dnKey } from '../configuration/document-diff.js';
import type { DnCreate, DnPatch } from './dns.schemas.js';

const view = (d: DnEntity) => ({ switch: d.switchName, number: d.number, type: d.type, options: d.options, revision: d.revision });

@Injectable()
export class DnsService {
  constructor(
    private readonly repo: ConfigRepository,
    private readonly config: ConfigurationService,
  ) {}

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

  /** `body` is validated by DnCreateBody. */
  create(actor: string, switchName: string, body: DnCreate, dryRun: boolean): Promise<CommitResult> {
    const { number } = body;
    return this.config.commit(
      actor,
      `create DN ${number} on ${switchName}`,
      (doc) => {
        const sw = doc.switches.find((s) => s.name === switchName);
        if (!sw) throw notFound(`Switch ${switchName}`);
        const same = findSameName(sw.dns, number, (d) => d.number);
        if (same) throw alreadyExists('number', `Switch ${switchName} already has a DN ${same.number}${caseNote(number, same.number)}`);
        const dn = { number, type: body.type, options: {} };
        applyOptionsPatch(dn.options, body.options);
        sw.dns.push(dn);
      },
      { dryRun },
    );
  }

  /** `body` is validated by DnPatchBody. */
  update(actor: string, switchName: string, number: string, body: DnPatch, dryRun: boolean): Promise<CommitResult> {
    if (body.number !== undefined && body.number !== number) throw badRequest('RENAME_UNSUPPORTED', 'Renumbering a DN is not supported');
    return this.config.commit(
      actor,
      `edit DN ${number} on ${switchName}`,
      (doc) => {
        const dn = doc.switches.find((s) => s.name === switchName)?.dns.find((d) => d.number === number);
        if (!dn) throw notFound(`DN ${number} of switch ${switchName}`);
        if (body.type !== undefined) dn.type = body.type;
        applyOptionsPatch(dn.options, body.options);
      },
      { dryRun, expect: [{ object: 'dn', name: dnKey(switchName, number), revision: body.revision }] },
    );
  }

  /** With `dryRun` the refusal (what still references it) or the diff comes back and nothing is saved. */
  remove(actor: string, switchName: string, number: string, revision: number | undefined, dryRun = false): Promise<CommitResult> {
    return this.config.commit(
      actor,
      `delete DN ${number} on ${switchName}`,
      (doc) => {
        const sw = doc.switches.find((s) => s.name === switchName);
        const i = sw?.dns.findIndex((d) => d.number === number) ?? -1;
        if (!sw || i < 0) throw notFound(`DN ${number} of switch ${switchName}`);
        sw.dns.splice(i, 1);
      },
      { dryRun, expect: [{ object: 'dn', name: dnKey(switchName, number), revision }] },
    );
  }
}
