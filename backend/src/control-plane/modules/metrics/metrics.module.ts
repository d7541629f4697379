import { Module } from '@nestjs/common';
import { ControlPlaneMetrics } from './control-plane-metrics.js';
import { MetricsController } from './metrics.controller.js';

@Module({ controllers: [MetricsController], providers: [ControlPlaneMetrics], exports: [ControlPlaneMetrics] })
export class MetricsModule {}
