/**
 * An Azure ML scoring script must define init() (load the model once) and run(data) (score one
 * request) at module level; without them the inference server starts, fails the readiness probe and
 * the deployment ends in ResourceNotReady many minutes later. Checking the text catches that now.
 */
export function missingScoringFunctions(source: string): string[] {
  // Module-level definitions only: 'def' at column 0 (a method of a class would be indented).
  const defined = (name: string) => new RegExp(`^(async\\s+)?def\\s+${name}\\s*\\(`, 'm').test(source);
  return ['init', 'run'].filter((f) => !defined(f));
}
