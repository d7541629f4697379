import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { optionSchemaJson } from '../../../contracts/options/option-schema.js';

@ApiTags('options')
@Controller('options')
export class OptionsController {
  private readonly schema = optionSchemaJson();
  /** Every option: object kind, section, type, default, valid values, when a change takes effect, description. */
  @Get('schema') schemaJson() {
    return this.schema;
  }
}
