/**
 * Whether the agent takes `artifact.upload` and `build.addbuildtag` in this job: only in build
 * (YAML) jobs. A classic release refuses them and fails the step (System.HostType `release`);
 * an unset host type is a task run by hand, treated as a build.
 */
export function takesBuildCommands(hostType: string | undefined): boolean {
  const type = (hostType ?? '').trim().toLowerCase();
  return type === '' || type === 'build';
}
