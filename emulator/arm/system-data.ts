/** ISO-8601 time as ARM writes it. */
export const iso = (ms: number) => new Date(ms).toISOString();

/** ARM's `systemData` for a resource the emulator created at `createdAt` (never modified since). */
export function systemData(createdAt: number) {
  return {
    createdAt: iso(createdAt),
    createdBy: 'mlops-pipeline@emulator.example',
    createdByType: 'Application',
    lastModifiedAt: iso(createdAt),
    lastModifiedBy: 'mlops-pipeline@emulator.example',
    lastModifiedByType: 'Application',
  };
}
