/** Where a `template:` reference points: relative to the including file, `/x` to its repository root, `x@alias` in another repository. */
import * as path from 'node:path';
import { PipelineDefinitionError } from './pipeline-errors';
import { Origin } from './yaml-file';

export interface RepositoryRoots {
  selfRoot: string;
  /** repository alias → local folder */
  repositories: Record<string, string>;
}

export function resolveTemplatePath(reference: string, from: Origin, roots: RepositoryRoots): Origin {
  const at = reference.lastIndexOf('@');
  let file = reference;
  let root = from.root;
  let relativeTo = path.dirname(from.file);
  if (at > 0) {
    const alias = reference.slice(at + 1);
    file = reference.slice(0, at);
    const folder = alias === 'self' ? roots.selfRoot : roots.repositories[alias];
    if (folder === undefined) {
      const known = Object.keys(roots.repositories);
      throw new PipelineDefinitionError(
        `${from.file}: template '${reference}' uses the repository alias '${alias}', which is not known ` +
          `(known: ${known.length ? known.join(', ') : 'none'}). Fix: declare it under resources.repositories and give the local runner its folder (repositories: { ${alias}: <folder> }).`,
      );
    }
    root = path.resolve(folder);
    // a template in another repository is found from that repository's root
    relativeTo = root;
  }
  if (file.startsWith('/')) return { file: path.join(root, file), root };
  return { file: path.resolve(relativeTo, file), root };
}
