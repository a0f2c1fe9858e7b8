// Types of cli/usage.mjs (plain JavaScript so that `tertial --help` needs no TypeScript loader).
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
}
export interface CommandSpec {
  readonly name: string;
  readonly usage: string;
  readonly period: boolean;
  readonly files: readonly [min: number, max: number];
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly help: string;
}
export declare const DEFAULT_PORTS: { readonly s3: number; readonly dynamodb: number; readonly web: number };
export declare const PORT_VARIABLES: { readonly s3: string; readonly dynamodb: string; readonly web: string };
export declare const COMMANDS: readonly CommandSpec[];
export declare const HELP: string;
export declare function commandHelp(name: string): string | undefined;
export declare function version(): string;
export declare function immediateAnswer(argv: readonly string[]): string | undefined;
