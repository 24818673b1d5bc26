/**
 * Whether a process on this host still runs (layer: api). Used to reclaim the leases and
 * scratch folders of processes that crashed or were killed.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
