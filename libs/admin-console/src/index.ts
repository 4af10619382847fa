export { adminConsolePlugin, type AdminConsoleOptions } from './admin-console.plugin';
export { consoleConfigRoute, type ConsoleConfigDeps } from './console-config.route';
export { loadConsoleAssets, toConsoleAssets, type BuiltFile, type ConsoleAssets, type ConsoleFile } from './console-assets';
export { CONTENT_SECURITY_POLICY } from './console-headers';
