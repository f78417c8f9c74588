// The Channel File 291 miniature (design ../shared/design/cf291.md, docs/cf291.md).

export * from './bcf1.js';
export * from './content.js';
export * from './ipc.js';
export * from './programs.js';
export * from './driver.js';
export * from './ebpf.js';
export * from './validator.js';
export * from './boot.js';
export * from './facts.js';
export * from './story.js';
