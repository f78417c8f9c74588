// Assembler (LLVM pseudo-C and conformance-suite mnemonic syntax) and disassembler, both derived
// from the instruction templates in src/isa/opcodes.ts.

export { type AssembleOptions, type AssembledProgram, assemble, detectSyntax } from './assembler.js';
export { type DisassembleOptions, type FormatContext, branchTarget, disassemble, formatInsn, mapDirectives, targetLabels } from './disassembler.js';
export { type Syntax, type Template, TEMPLATES, canonicalTemplate } from './template.js';
