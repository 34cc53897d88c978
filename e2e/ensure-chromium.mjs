// Makes sure Debian's Chromium is installed: e2e tests never use a downloaded browser.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (existsSync(CHROMIUM)) {
  console.error(`chromium: ${CHROMIUM}`);
} else if (process.getuid?.() === 0) {
  console.error(`chromium: ${CHROMIUM} missing, installing Debian's package`);
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
} else {
  console.error(`chromium: ${CHROMIUM} missing. Install it: sudo apt-get install -y chromium (or set CHROMIUM_PATH).`);
  process.exit(1);
}
