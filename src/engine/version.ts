/** The app's version from package.json, injected by vite.config.ts (define); recorded in model files and exports. */
declare const __APP_VERSION__: string | undefined;

export const APP_VERSION: string = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0-dev';
