// The parser lives with the local runner, which processes these commands for real; the harness re-exports it.
export * from '../../local-runner/vso';
