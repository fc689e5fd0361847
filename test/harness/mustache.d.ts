// Minimal types for the `mustache` package (no @types/mustache installed): only what the harness uses.
declare module 'mustache' {
  const Mustache: {
    render(template: string, view: unknown, partials?: Record<string, string>): string;
    escape: (value: string) => string;
  };
  export default Mustache;
}
