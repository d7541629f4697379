import { ConsoleLogger } from '@nestjs/common';

// Nest's start-up chatter (one line per module and route) hides what operators need to see.
const QUIET = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

export class AppLogger extends ConsoleLogger {
  override log(message: unknown, context?: string): void {
    if (context && QUIET.has(context)) return;
    super.log(message, context);
  }
}
