// `bpfbox step`: the line mode driven through stdin, the full-screen mode driven through a real
// pseudo-terminal (python3's pty module), trace files, the CF291 scenario. The registers both
// front ends show must equal the core's.
//
// The command runs from source with vite-node (main.ts wires `bpfbox step` to stepCommand).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutScreen, lineCommand, parseStepArgv, sessionFromArgs } from '../src/cli/step.js';
import { DebugSession } from '../src/debug/index.js';
import { ROOT, cli } from './helpers.js';

const VITE_NODE = join(ROOT, 'node_modules', 'vite-node', 'vite-node.mjs');
const STEP = join(ROOT, 'src', 'cli', 'step.ts');
const CHECKSUM = 'programs/examples/checksum.s';
const CHECKSUM_MEM = '45 00 00 1c 00 00 40 00 40 11 00 00 c0 a8 00 01 c0 a8 00 c7';
const PKT = '020000000001020000000002080045000028000140004006' + '00000a0000010a0000023039005000000001000000005002200000000000';

function stepCli(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [VITE_NODE, STEP, ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => !l.startsWith('npm warn')).join('\n') };
}

/** The core's registers after `n` steps of the same program and input. */
async function coreRegs(args: string[], n: number): Promise<bigint[]> {
  const s = await sessionFromArgs(parseStepArgv(args));
  s.goto(n);
  return s.registers();
}

function parseRegs(text: string): bigint[] {
  const regs: bigint[] = [];
  for (const m of text.matchAll(/^r(\d+) = (0x[0-9a-f]+)/gm)) regs[Number(m[1])] = BigInt(m[2]!);
  return regs;
}

describe('line mode (stdin)', () => {
  it('steps, shows registers equal to the core\'s, goes back and to a breakpoint', async () => {
    const args = [CHECKSUM, '--mem', CHECKSUM_MEM];
    const r = stepCli(args, 'step 5\nregs\nback 2\nregs\nbreak next_pair\ncontinue\nregs\ngoto 40\nregs\nquit\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const blocks = r.stdout.split(/^(?=r0 = )/m).slice(1).map((b) => parseRegs(b));
    expect(blocks.length).toBe(4);
    expect(blocks[0]).toEqual(await coreRegs(args, 5));
    expect(blocks[1]).toEqual(await coreRegs(args, 3));
    expect(r.stdout).toContain('breakpoint at insn 3 (step 11)');
    expect(blocks[2]).toEqual(await coreRegs(args, 11));
    expect(blocks[3]).toEqual(await coreRegs(args, 40));
    expect(r.stdout).toContain('r3 = 0x20000014   (was 0x20000000)');
  });

  it('a C object: breakpoint on a C line, the verifier state and the map value obligation', () => {
    const r = stepCli(['programs/c/xdp_firewall.o', '--packet-hex', PKT, '--break', 'xdp_firewall.c:39', '--commands', 'continue;state;log;where;run']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/breakpoint at insn 18/);
    expect(r.stdout).toContain('xdp_firewall.c:39: __u64 *hits = bpf_map_lookup_elem(&blocked, &saddr);');
    expect(r.stdout).toContain('verifier: accepted');
    expect(r.stdout).toContain('state 1/1 at 18: R0=2 R1=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R2=fp-4');
    expect(r.stdout).toContain('18: (18) r1 = 0xffff888100000000      ; R1=map_ptr(map=blocked,ks=4,vs=8)');
    expect(r.stdout).toContain('exited at step 24: r0 = 0x2');
  });

  it('saves a trace and replays it to the same registers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfbox-step-'));
    const trace = join(dir, 'run.json');
    const args = [CHECKSUM, '--mem', CHECKSUM_MEM];
    const a = stepCli([...args, '--break', 'tail', '--commands', `step 23;save ${trace}`]);
    expect(a.stdout).toContain(`saved 23 steps to ${trace}`);
    const json = JSON.parse(readFileSync(trace, 'utf8'));
    expect(json.format).toBe('bpfbox-trace');
    expect(json.steps).toBe(23);
    const b = stepCli([trace, '--commands', 'regs;breaks']);
    expect(b.stderr).toBe('');
    expect(parseRegs(b.stdout)).toEqual(await coreRegs(args, 23));
    expect(b.stdout).toMatch(/insn 11 /);
  });

  it('the CF291 scenario in driver mode: the read of inputs[20] and the bug check', () => {
    const r = stepCli(['v0719-0409', '--scenario', 'cf291', '--mode', 'driver', '--commands', 'run;regs;info;path']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('load of 1 byte at 0xffffd6030000006a');
    expect(r.stdout).toMatch(/^r7 = 0x14$/m);
    expect(r.stdout).toContain('STOP 0x50 PAGE_FAULT_IN_NONPAGED_AREA');
    // the v1 build as a socket filter: what the verifier says about it
    expect(r.stdout).toContain('rejected at insn 24: invalid access to map value, value_size=160 off=2032 size=8');
  });

  it('bad input is exit code 2 with one clear line', () => {
    const r = stepCli(['programs/examples/nope.s']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bpfbox: .*nope\.s.*no such file/);
  });
});

describe('bpfbox step (the installed command)', () => {
  it('runs in line mode when stdout is not a terminal', async () => {
    const r = cli(['step', CHECKSUM, '--mem', CHECKSUM_MEM, '--commands', 'step 9;regs']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(parseRegs(r.stdout)).toEqual(await coreRegs([CHECKSUM, '--mem', CHECKSUM_MEM], 9));
  });
});

describe('line commands (in process)', () => {
  it('regs, mem, stack, watch, path', async () => {
    const s = await sessionFromArgs(parseStepArgv(['programs/c/xdp_firewall.o', '--packet-hex', PKT]));
    expect(lineCommand(s, 'watch r5')).toEqual(['watching r5 on write']);
    lineCommand(s, 'goto 16');
    const regs = parseRegs(lineCommand(s, 'regs')!.join('\n'));
    expect(regs).toEqual(s.registers());
    expect(lineCommand(s, 'stack')!.join('\n')).toContain('fp-8: 00 00 00 00 0a 00 00 01  [????mmmm]');
    expect(lineCommand(s, 'mem r10 4')![0]).toMatch(/^0x10000200: not mapped/);
    expect(lineCommand(s, 'mem 0x100001fc 4')![0]).toBe('0x100001fc stack0+508: 0a 00 00 01');
    expect(lineCommand(s, 'path')).toEqual(['the verifier accepted the program: no rejection path']);
    expect(lineCommand(s, 'quit')).toBeNull();
  });
});

// ---- full screen through a pseudo-terminal ------------------------------------------------------------

const PTY_DRIVER = `
import os, pty, sys, time, select, struct, fcntl, termios, json
cols, rows = int(sys.argv[1]), int(sys.argv[2])
keys = json.loads(sys.argv[3])
cmd = sys.argv[4:]
pid, fd = pty.fork()
if pid == 0:
    os.environ['TERM'] = 'xterm-256color'
    os.execvp(cmd[0], cmd)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
out = b''
def pump(t):
    global out
    end = time.time() + t
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                d = os.read(fd, 65536)
            except OSError:
                return False
            if not d:
                return False
            out += d
    return True
start = time.time()
while b'bpfbox step' not in out and time.time() - start < 60:
    if not pump(0.2):
        break
pump(0.5)
for k in keys:
    os.write(fd, k.encode())
    pump(0.2)
pump(1.0)
try:
    os.waitpid(pid, 0)
except Exception:
    pass
sys.stdout.buffer.write(out)
`;

const HAVE_PYTHON = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status === 0;

/** A minimal terminal: cursor moves, erase to end of line, text; returns the last frame's rows. */
function screenOf(raw: string, cols: number, rows: number): string[] {
  const cut = raw.lastIndexOf('\x1b[?1049l'); // leaving the alternate screen
  const data = cut >= 0 ? raw.slice(0, cut) : raw;
  const scr = Array.from({ length: rows }, () => Array<string>(cols).fill(' '));
  let x = 0;
  let y = 0;
  for (let i = 0; i < data.length;) {
    const c = data[i]!;
    if (c === '\x1b') {
      const m = /^\x1b\[([?0-9;]*)([A-Za-z@])/.exec(data.slice(i, i + 32));
      if (m) {
        const [all, p, f] = m as unknown as [string, string, string];
        if (f === 'H') {
          const a = p ? p.split(';').map((v) => Number(v || 1)) : [1, 1];
          y = a[0]! - 1;
          x = (a[1] ?? 1) - 1;
        } else if (f === 'K' && (p === '' || p === '0')) {
          for (let k = x; k < cols; k++) if (scr[y]) scr[y]![k] = ' ';
        } else if (f === 'J' && p === '2') {
          for (const row of scr) row.fill(' ');
        } else if (f === 'G') {
          x = Number(p || 1) - 1;
        }
        i += all.length;
        continue;
      }
      const o = /^(\x1b[()][0-9A-Za-z]|\x1b[=>78]|\x1b\][^\x07]*\x07)/.exec(data.slice(i, i + 64));
      i += o ? o[0].length : 1;
      continue;
    }
    if (c === '\r') x = 0;
    else if (c === '\n') y = Math.min(rows - 1, y + 1);
    else if (c >= ' ') {
      if (x < cols && y >= 0 && y < rows) scr[y]![x] = c;
      x++;
    }
    i += c.length;
  }
  return scr.map((r) => r.join(''));
}

function runInPty(cols: number, rows: number, keys: string[], args: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'bpfbox-pty-'));
  const driver = join(dir, 'drive_pty.py');
  writeFileSync(driver, PTY_DRIVER);
  const r = spawnSync('python3', [driver, String(cols), String(rows), JSON.stringify(keys), process.execPath, VITE_NODE, STEP, ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return screenOf(r.stdout, cols, rows);
}

/** Register values shown on the screen (`r3 0x...` or, changed, `r3 0xold -> 0xnew`). */
function screenRegs(screen: string[]): bigint[] {
  const regs: bigint[] = [];
  for (const line of screen) {
    const m = /\s(r\d{1,2}) (0x[0-9a-f]+)(?: -> (0x[0-9a-f]+))?/.exec(line.slice(Math.floor(line.length / 2) - 4));
    if (m) regs[Number(m[1]!.slice(1))] = BigInt(m[3] ?? m[2]!);
  }
  return regs;
}

describe.skipIf(!HAVE_PYTHON)('full screen through a pseudo-terminal', () => {
  it('80x24: after 7 steps and 2 back, the screen shows the core\'s registers at step 5', async () => {
    const args = ['programs/c/xdp_firewall.o', '--packet-hex', PKT];
    const screen = runInPty(80, 24, ['s', 's', 's', 's', 's', 's', 's', 'b', 'b', 'q'], args);
    const text = screen.join('\n');
    expect(screen[0]).toContain('step 5');
    expect(screen[0]).toContain('verifier: accepted');
    expect(screenRegs(screen)).toEqual(await coreRegs(args, 5));
    expect(text).toMatch(/▶\s+5\s+if r3 > r2 goto \+21/); // the current instruction
    expect(text).toContain('r3 0x30000100 -> 0x3000010e'); // old -> new of step 5
    expect(text).toContain('C xdp_firewall.c:29');
    expect(text).toContain('5: (2d) if r3 > r2 goto pc+21');
    expect(screen[23]).toMatch(/s step.*b back.*q quit/);
    for (const l of screen) expect(l.length).toBe(80);
  });

  it('160x45: breakpoint key, continue and go to step', async () => {
    const args = [CHECKSUM, '--mem', CHECKSUM_MEM];
    // select insn 6 (down x6 from insn 0), toggle a breakpoint, continue, then go to step 30
    const keys = ['DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN'].map(() => '\x1b[B');
    const screen = runInPty(160, 45, [...keys, 'k', 'c', 'g', '3', '0', '\r', 'q'], args);
    expect(screen[0]).toContain('step 30');
    expect(screenRegs(screen)).toEqual(await coreRegs(args, 30));
    const text = screen.join('\n');
    expect(text).toMatch(/●.\s+6\s+r5 = \*\(u16 \*\)\(r1 \+ 0\)/);
    expect(text).toContain('last step');
  });
});

describe('screen layout', () => {
  it('fills every size exactly, from 80x24 to 200x60', async () => {
    const s: DebugSession = await sessionFromArgs(parseStepArgv(['programs/c/xdp_firewall.o', '--packet-hex', PKT]));
    s.goto(17);
    for (const [w, h] of [[80, 24], [100, 30], [132, 43], [160, 45], [200, 60]] as const) {
      const rows = layoutScreen(s, { width: w, height: h, sel: null, message: '', syntax: 'llvm' });
      expect(rows.length).toBe(h);
      for (const row of rows) expect(row.map((seg) => seg[0]).join('').length).toBe(w);
    }
  });
});
