// Real-world numbers the miniature shows, each tied to a row of the Sources table of
// ../shared/design/cf291.md (repeated in docs/cf291.md). Story text takes real-world numbers only
// from here, and prints the source tags beside them.

export interface Source {
  readonly tag: string;
  readonly title: string;
  readonly url: string;
  /** Secondary material (not a primary document). */
  readonly secondary?: boolean;
}

export const SOURCES: readonly Source[] = [
  { tag: 'PIR', title: 'CrowdStrike, Preliminary Post Incident Review (updated 2024-07-25)', url: 'https://www.crowdstrike.com/blog/falcon-content-update-preliminary-post-incident-report/' },
  { tag: 'RCA', title: 'CrowdStrike, External Technical Root Cause Analysis: Channel File 291 (2024-08-06)', url: 'https://www.crowdstrike.com/wp-content/uploads/2024/08/Channel-File-291-Incident-Root-Cause-Analysis-08.06.2024.pdf' },
  { tag: 'TECH', title: 'CrowdStrike, Technical Details: Falcon Update for Windows Hosts (2024-07-19/20)', url: 'https://www.crowdstrike.com/blog/falcon-update-for-windows-hosts-technical-details/' },
  { tag: 'MS-0720', title: 'Microsoft (D. Weston), Helping our customers through the CrowdStrike outage (2024-07-20)', url: 'https://blogs.microsoft.com/blog/2024/07/20/helping-our-customers-through-the-crowdstrike-outage/' },
  { tag: 'MS-0727', title: 'Microsoft Security blog, Windows Security best practices for integrating and managing security tools (2024-07-27)', url: 'https://www.microsoft.com/en-us/security/blog/2024/07/27/windows-security-best-practices-for-integrating-and-managing-security-tools/' },
  { tag: 'AZ', title: 'Azure status guidance on restarting VMs, quoted by Windows Central (2024-07-19)', url: 'https://www.windowscentral.com/microsoft/as-the-world-wakes-up-to-a-digital-pandemic-microsoft-suggests-turning-it-off-and-on-again-15-times' },
  { tag: 'REC', title: 'G. Kurtz on LinkedIn, as reported by TechRadar (2024-07-26)', url: 'https://www.techradar.com/pro/security/crowdstrike-ceo-says-nearly-all-affected-servers-are-now-back-online', secondary: true },
  { tag: 'BC50', title: 'Microsoft Learn, Bug Check 0x50 PAGE_FAULT_IN_NONPAGED_AREA', url: 'https://learn.microsoft.com/en-us/windows-hardware/drivers/debugger/bug-check-0x50--page-fault-in-nonpaged-area' },
  { tag: 'KV', title: 'Linux kernel/bpf/verifier.c and Documentation/bpf/verifier.rst', url: 'https://www.kernel.org/doc/html/latest/bpf/verifier.html' },
  { tag: 'CVE', title: 'NVD, CVE-2021-3490 (eBPF verifier bounds-tracking bug)', url: 'https://nvd.nist.gov/vuln/detail/CVE-2021-3490' },
  { tag: 'MS-WRI', title: 'Windows Resiliency Initiative (Ignite 2024-11-19), as reported by Help Net Security', url: 'https://www.helpnetsecurity.com/2024/11/19/windows-kernel-security-vendors/', secondary: true },
];

export interface Fact {
  readonly key: string;
  /** The number or value as shown. */
  readonly value: string;
  readonly text: string;
  readonly sources: readonly string[];
  /** Our arithmetic on sourced dates, or a secondary report. */
  readonly derived?: boolean;
  readonly secondary?: boolean;
}

export const FACTS: readonly Fact[] = [
  { key: 'template-fields', value: '21', text: 'input fields declared by the IPC Template Type definition', sources: ['RCA'] },
  { key: 'supplied-fields', value: '20', text: 'input values the sensor integration code supplied', sources: ['RCA'] },
  { key: 'sensor-ga', value: '2024-02-28', text: 'sensor 7.11 GA, introducing the IPC Template Type', sources: ['PIR', 'RCA'] },
  { key: 'first-instance', value: '2024-03-05', text: 'stress test passed in staging; first IPC instance to production', sources: ['PIR'] },
  { key: 'safe-instances', value: '4', text: 'IPC instances shipped without problems before the fatal one (03-05 and three between 04-08 and 04-24)', sources: ['PIR', 'RCA'] },
  { key: 'release', value: '04:09 UTC', text: 'the bad Channel File 291 update, 2024-07-19', sources: ['PIR'] },
  { key: 'revert', value: '05:27 UTC', text: 'the content reverted', sources: ['PIR'] },
  { key: 'window', value: '78 minutes', text: 'exposure window from release to revert', sources: ['PIR'], derived: true },
  { key: 'latent', value: '142 days', text: 'the defect sat latent from 7.11 GA to the trigger', sources: ['PIR', 'RCA'], derived: true },
  { key: 'devices', value: 'about 8.5 million', text: 'Windows devices affected (Microsoft estimate), "less than one percent of all Windows machines"', sources: ['MS-0720'] },
  { key: 'stop-code', value: '0x50 PAGE_FAULT_IN_NONPAGED_AREA', text: 'bug check in the crash dumps', sources: ['MS-0727', 'BC50'] },
  { key: 'index-register', value: '0x14', text: 'index register in Microsoft\'s dump analysis (= 20, the 21st element)', sources: ['MS-0727'] },
  { key: 'garbage-pointer', value: '0xffffd6030000006a', text: 'the 8 bytes after the 20th input pointer in the RCA\'s dump', sources: ['RCA'] },
  { key: 'reboots', value: 'as many as 15', text: 'restarts some Azure customers needed before a VM recovered', sources: ['AZ'] },
  { key: 'recovered', value: '>97 %', text: 'of Windows sensors back online by 2024-07-25', sources: ['REC'], secondary: true },
  { key: 'static-tests', value: '12', text: 'static test instances in sensor 7.11\'s automated tests, all wildcard in field 21', sources: ['RCA'], secondary: true },
];

export function fact(key: string): Fact {
  const f = FACTS.find((x) => x.key === key);
  if (!f) throw new RangeError(`no fact ${key}`);
  return f;
}

/** `21 [RCA]` */
export function cite(key: string): string {
  const f = fact(key);
  return `${f.value} [${f.sources.join(', ')}${f.derived ? '; our arithmetic' : ''}${f.secondary ? '; secondary' : ''}]`;
}
