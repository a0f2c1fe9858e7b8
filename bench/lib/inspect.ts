/** CPU-profiles a piece of work in this process (node:inspector), for `npm run bench -- --profile`. */
import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { summarizeProfile, type CpuProfile, type ProfileSummary } from './profile.js';

export async function profileWork(
  work: () => Promise<unknown>,
  options: { dir?: string; name: string; totals?: readonly string[] },
): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 250 });
    await session.post('Profiler.start');
    await work();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    if (options.dir) await writeFile(join(options.dir, `${options.name}.cpuprofile`), JSON.stringify(profile));
    return summarizeProfile(profile, options.totals ?? []);
  } finally {
    session.disconnect();
  }
}
