/**
 * Where tests keep throwaway local KV: workerd writes every KV put through to disk, which on an
 * ordinary disk costs about 4 ms a put and made seeding dominate the workerd tests. On Linux,
 * /dev/shm (memory) takes the same files five times faster; elsewhere, or when it is small (a
 * container's default 64 MB), the system's temporary directory.
 */
import { statfsSync } from "node:fs";
import { tmpdir } from "node:os";

const SHM = "/dev/shm";
/** The tests' KV files peak near 50 MB; leave room for the stacks beside them. */
const NEEDED_BYTES = 512 * 1024 * 1024;

function scratchDir(): string {
  try {
    const stats = statfsSync(SHM);
    if (stats.bavail * stats.bsize >= NEEDED_BYTES) return SHM;
  } catch {
    // No /dev/shm here.
  }
  return tmpdir();
}

/** Sends this process's temporary files, and its children's, to scratchDir(). */
export function useScratchDir(): void {
  process.env.TMPDIR = scratchDir();
}
