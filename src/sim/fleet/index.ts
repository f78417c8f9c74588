// Fleet-rollout simulation (issue 5 "The fleet", ../shared/design/cf291.md B.e).
export * from './config.js';
export { Rng } from './rng.js';
export {
  simulateFleet,
  FLEET_STATES,
  FLEET_STATE_INFO,
  type FleetState,
  type FleetMetrics,
  type RingMetrics,
  type FleetSeries,
  type FleetResult,
  type SimulateOptions,
} from './simulate.js';
export {
  fleetChartSpec,
  fleetChartData,
  renderFleetChartSvg,
  formatFleetTable,
  formatMinutes,
  formatIncidentTime,
  thinFleetSeries,
  type FleetChartInput,
  type FleetChartOptions,
  type FleetChartPoint,
  type FleetTableInput,
} from './report.js';
export { fleetProgressBar, runFleetPresets, type FleetProgress, type FleetProgressOptions } from './progress.js';
