// cli-progress for the browser: progress bars are a terminal thing; this one draws nothing.
class Bar {
  start(): void {}
  update(): void {}
  increment(): void {}
  stop(): void {}
}
export default { SingleBar: Bar, MultiBar: Bar, Presets: { shades_classic: {} } };
