import { Injectable } from '@nestjs/common';
import { alreadyExists, badRequest, notFound } from '../../common/errors.js';
import { caseNote, findSameName } from '../../../contracts/names.js';
import { ConfigRepository } from '../configuration/config.repository.js';
import { ConfigurationService, type CommitResult } from '../configuration/configuration.service.js';
import type { SwitchCreate, SwitchPatch } from './switches.schemas.js';

@Injectable()
export class SwitchesService {
  constructor(
    private readonly repo: ConfigRepository,
    private readonly config: ConfigurationService,
  ) {}

  async list() {
    return (await this.repo.listSwitches()).map((s) => ({
      name: s.name,
      sipServer: s.sipServer,
      dnCount: s.dnCount,
      revision: s.revision,
    }));
  }

  async get(name: string) {
    const s = await this.repo.findSwitch(name);
    if (!s) throw notFound(`Switch ${name}`);
    return { name: s.name, sipServer: s.sipServer, revision: s.revision };
  }

  /** `body` is validated by SwitchCreateBody. */
  create(actor: string, body: SwitchCreate, dryRun: boolean): Promise<CommitResult> {
    const { name } = body;
    return this.config.commit(
      actor,
      `create switch ${name}`,
      (doc) => {
        // Names differing only in case read as the same switch in the UI, logs and YAML (contracts/names.ts).
        const same = findSameName(doc.switches, name, (s) => s.name);
        if (same) throw alreadyExists('name', `A switch named ${same.name} already exists${caseNote(name, same.name)}`);
        doc.switches.push({ name, ...(body.sipServer ? { sipServer: body.sipServer } : {}), dns: [] });
      },
      { dryRun },
    );
  }

  /** `body` is validated by SwitchPatchBody. */
  update(actor: string, name: string, body: SwitchPatch, dryRun: boolean): Promise<CommitResult> {
    if (body.name !== undefined && body.name !== name) throw badRequest('RENAME_UNSUPPORTED', 'Renaming a switch is not supported');
    return this.config.commit(
      actor,
      `edit switch ${name}`,
      (doc) => {
        const sw = doc.switches.find((s) => s.name === name);
        if (!sw) throw notFound(`Switch ${name}`);
        if (body.sipServer !== undefined) {
          if (!body.sipServer) delete sw.sipServer;
          else sw.sipServer = body.sipServer;
        }
      },
      { dryRun, expect: [{ object: 'switch', name, revision: body.revision }] },
    );
  }

  /** With `dryRun` the refusal (what still references it) or the diff comes back and nothing is saved. */
  remove(actor: string, name: string, revision: number | undefined, dryRun = false): Promise<CommitResult> {
    return this.config.commit(
      actor,
      `delete switch ${name}`,
      (doc) => {
        const i = doc.switches.findIndex((s) => s.name === name);
        if (i < 0) throw notFound(`Switch ${name}`);
        doc.switches.splice(i, 1);
      },
      { dryRun, expect: [{ object: 'switch', name, revision }] },
    );
  }
}
