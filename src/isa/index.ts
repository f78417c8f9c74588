export * from './opcodes.js';
export * from './encoding.js';
