/**
 * npm run gpu-kit [-- --out DIR]
 * Packs `npm run bench:gpu` into one folder (default .gpu-kit/, about 30 MB) to carry to a machine
 * with a GPU and Node >= 20 but no npm registry: the bench bundled into one file, Dawn's Node
 * addon for Linux x64 (the `webgpu` package), tfjs's wasm binaries for the CPU rows, the Vulkan
 * loader, and run.sh. There: `bash .gpu-kit/run.sh` (writes bench-gpu.json to $OUT or the current
 * folder). run.sh names the GPU and the Vulkan drivers it finds and, where the NVIDIA driver's
 * libraries are present without a Vulkan ICD file (common in containers), writes one.
 */
import { chmod, copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { wasmDir } from './node-backend';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const { values } = parseArgs({ options: { out: { type: 'string', default: path.join(ROOT, '.gpu-kit') } } });

const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
/** Where Debian (and most distributions) keep the Khronos Vulkan loader. */
const VULKAN_LOADERS = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/chromium/libvulkan.so.1'];

/** What the CommonJS inside the bundle (emscripten's Node paths in tfjs-backend-wasm) expects of Node. */
const NODE_GLOBALS = [
  "import { createRequire as __kitRequire } from 'node:module';",
  "import { fileURLToPath as __kitPath } from 'node:url';",
  "import { dirname as __kitDir } from 'node:path';",
  'const __filename = __kitPath(import.meta.url);',
  'const __dirname = __kitDir(__filename);',
  'const require = __kitRequire(import.meta.url);',
].join('\n');

const RUN_SH = `#!/usr/bin/env bash
# The bench's WebGPU rows in Node on Dawn, beside tfjs-wasm on this machine's CPU.
# Usage: bash run.sh [--sizes 64,128,256] [--repeats N]; writes \${OUT:-.}/bench-gpu.json.
set -u
KIT="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
command -v node >/dev/null || { echo "run.sh: Node >= 20 is needed on this machine (none found)"; exit 2; }
echo "node $(node --version) on $(uname -m), $(nproc) cores"
command -v nvidia-smi >/dev/null && nvidia-smi -L
# Dawn loads libvulkan.so.1; the kit brings one for machines without it.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then export LD_LIBRARY_PATH="$KIT/lib\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; echo "using the kit's Vulkan loader"; fi
ICDS=$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json 2>/dev/null || true)
echo "Vulkan drivers (ICD files): \${ICDS:-none}"
# The NVIDIA Vulkan driver lives in libGLX_nvidia.so.0; containers often mount it without its ICD file.
if ! echo "$ICDS" | grep -qi nvidia && [ -z "\${VK_ICD_FILENAMES:-}" ]; then
  NV=$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia.so.0 /{print $NF; exit}')
  for f in /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0 /usr/local/nvidia/lib64/libGLX_nvidia.so.0; do
    [ -z "$NV" ] && [ -e "$f" ] && NV="$f"
  done
  if [ -n "$NV" ]; then
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\\n' "$NV" > "$KIT/nvidia_icd.json"
    export VK_ICD_FILENAMES="$KIT/nvidia_icd.json"
    echo "NVIDIA driver found without an ICD file: using $NV"
  fi
fi
cd "$KIT" && node bench-gpu.mjs --wasm-dir "$KIT/wasm/" --out "\${OUT:-$PWD}/bench-gpu.json" "$@"
`;

async function main(): Promise<void> {
  const out = path.resolve(values.out);
  await rm(out, { recursive: true, force: true });
  await build({
    configFile: path.join(ROOT, 'vite.config.ts'),
    root: ROOT,
    logLevel: 'warn',
    build: {
      ssr: path.join(ROOT, 'src/cli/bench-gpu.ts'),
      outDir: out,
      emptyOutDir: true,
      sourcemap: false,
      copyPublicDir: false,
      minify: false,
      rolldownOptions: { external: ['webgpu'], output: { entryFileNames: 'bench-gpu.mjs', format: 'es', codeSplitting: false, banner: NODE_GLOBALS } },
    },
    ssr: { noExternal: true, external: ['webgpu'], target: 'node' },
  });
  await mkdir(path.join(out, 'wasm'), { recursive: true });
  for (const f of WASM_FILES) await copyFile(path.join(wasmDir(), f), path.join(out, 'wasm', f));
  const dawn = path.dirname(require.resolve('webgpu/package.json'));
  const target = path.join(out, 'node_modules', 'webgpu');
  await mkdir(path.join(target, 'dist', 'linux-x64'), { recursive: true });
  for (const f of ['package.json', 'index.js', 'LICENSE.md']) await copyFile(path.join(dawn, f), path.join(target, f));
  await copyFile(path.join(dawn, 'dist', 'linux-x64', 'dawn.node'), path.join(target, 'dist', 'linux-x64', 'dawn.node'));
  const loader = VULKAN_LOADERS.find((p) => existsSync(p));
  if (loader) {
    await mkdir(path.join(out, 'lib'), { recursive: true });
    await copyFile(loader, path.join(out, 'lib', 'libvulkan.so.1'));
  } else {
    console.error(`gpu-kit: no Vulkan loader here (${VULKAN_LOADERS.join(', ')}); the GPU machine must have libvulkan.so.1`);
  }
  await writeFile(path.join(out, 'run.sh'), RUN_SH);
  await chmod(path.join(out, 'run.sh'), 0o755);
  console.log(`gpu-kit: ${path.relative(process.cwd(), out) || out} ready; on the GPU machine: bash ${path.basename(out)}/run.sh`);
}

main().catch((e: unknown) => {
  console.error(`gpu-kit: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
