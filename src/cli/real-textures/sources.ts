/**
 * Source photographs of the real-texture benchmark: a fixed list of JPEG files (with SHA-256, so
 * the benchmark is reproducible) from the Debian package openarena-081-textures. The package is
 * fetched with `apt-get download` into a cache folder, unpacked with `dpkg-deb -x` (no root
 * install) and the listed files are read out of its .pk3 (a zip) with fflate.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { EngineError, errorMessage } from '../../engine/errors';
import type { PixelImage } from '../../engine/types';
import { decodeImageBuffer } from '../decode';

export const PACKAGE = 'openarena-081-textures';
const PK3 = 'usr/share/games/openarena/baseoa/pak4-textures.pk3';

export interface SourceFile {
  /** Path inside the .pk3. */
  path: string;
  sha256: string;
}

export interface SourceCategory {
  name: string;
  files: SourceFile[];
}

/** Photographic, roughly stationary textures, all 512 x 512 JPEGs. */
export const SOURCE_CATEGORIES: readonly SourceCategory[] = [
  {
    name: 'concrete',
    files: [
      { path: 'textures/proto2/concrete02.jpg', sha256: 'b11e5842d8c82aa3c6f3074d5e13161cc0e64f00d3360f6cae5106877254890c' },
      { path: 'textures/base_wall/concrete.jpg', sha256: 'b1d3852a396682b572299a44e5bac3fefd963a0018d7f01bc1115403fc7d5d28' },
    ],
  },
  {
    name: 'metal_plate',
    files: [{ path: 'textures/proto2/tin_floor01.jpg', sha256: '2af06c5006ed2aeff9db2c9b5edae3152b9b5f7b0165abae9bc69d8aecd0c2f7' }],
  },
  {
    name: 'rock',
    files: [
      { path: 'textures/cosmo_block/rock01.jpg', sha256: '9665fd1e09be89f3a8ec5118df60e77393edda008b3b59cbfc81d45c2e397b40' },
      { path: 'textures/cosmo_block/rock02.jpg', sha256: 'ad7d0c86345d247297fa9895502d256dba12bb61b1f0dcbafffd06bc0fd76972' },
    ],
  },
  {
    name: 'sand',
    files: [{ path: 'textures/acc_dm5/sand.jpg', sha256: 'f1a48b1384b1e06f8d242b861e78479757e9afd7576abc863ee43617927a8362' }],
  },
  {
    name: 'stone_tiles',
    files: [{ path: 'textures/acc_dm5/stntiles_dirty.jpg', sha256: '0a3799d4694a84beaf9d7b3f009b8f1a3d3462a26c136f3ee3d5f06e0fd5dbd0' }],
  },
  {
    name: 'wood',
    files: [{ path: 'textures/gothic_ceiling/woodceiling1a.jpg', sha256: 'a61d3da0195ea7dc8b2e871c9a8a21631eed6ebfc7aff23d9e75cf018934ffa6' }],
  },
];

function fail(message: string, cause?: unknown): never {
  throw new EngineError('invalid-argument', message, cause === undefined ? undefined : { cause });
}

function run(cmd: string, args: string[], cwd: string): void {
  try {
    execFileSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim().split('\n').pop() ?? '';
    fail(`${cmd} ${args.join(' ')} failed in ${cwd}: ${stderr || errorMessage(e)}`, e);
  }
}

/** The package's .deb in the cache, downloaded when missing. */
function debFile(cache: string): string {
  const find = (): string | undefined => readdirSync(cache).find((n) => n.startsWith(`${PACKAGE}_`) && n.endsWith('.deb'));
  let name = find();
  if (name === undefined) {
    run('apt-get', ['download', PACKAGE], cache);
    name = find();
    if (name === undefined) fail(`apt-get download ${PACKAGE} left no ${PACKAGE}_*.deb in ${cache}.`);
  }
  return join(cache, name);
}

/** Path of the unpacked .pk3, unpacking the .deb (downloading it first) when needed. */
export function ensurePk3(cache: string): string {
  mkdirSync(cache, { recursive: true });
  const root = join(cache, PACKAGE);
  const pk3 = join(root, PK3);
  if (!existsSync(pk3)) {
    run('dpkg-deb', ['-x', debFile(cache), root], cache);
    if (!existsSync(pk3)) fail(`${PACKAGE}: ${PK3} not found after unpacking into ${root}.`);
  }
  return pk3;
}

/** Decoded source images per category, checked against their SHA-256. */
export function loadSources(cache: string, categories: readonly SourceCategory[] = SOURCE_CATEGORIES): Map<string, PixelImage[]> {
  const pk3 = ensurePk3(cache);
  const wanted = new Set(categories.flatMap((c) => c.files.map((f) => f.path)));
  const files = unzipSync(readFileSync(pk3), { filter: (f) => wanted.has(f.name) });
  const out = new Map<string, PixelImage[]>();
  for (const cat of categories) {
    out.set(
      cat.name,
      cat.files.map((f) => {
        const bytes = files[f.path];
        if (bytes === undefined) fail(`${pk3}: ${f.path} is missing.`);
        const sha = createHash('sha256').update(bytes).digest('hex');
        if (sha !== f.sha256) fail(`${pk3}: ${f.path} has SHA-256 ${sha}, expected ${f.sha256} (another package version?).`);
        return decodeImageBuffer(bytes, f.path);
      }),
    );
  }
  return out;
}
