// Types for the TypeScript callers of tools/build.mjs (the local stack, the benchmarks).
export declare const APPS: readonly string[];
/** Absolute path of dist/apps/<app>/main.js. */
export declare function bundlePath(app: string): string;
/** Builds the apps (all by default); with ifStale only those whose sources changed. Resolves to the apps built. */
export declare function buildApps(apps?: readonly string[], options?: { ifStale?: boolean }): Promise<string[]>;
/** The app's bundle path, rebuilt first (synchronously) when its sources changed. */
export declare function builtApp(app: string): string;
