// Which Vulkan driver Dawn gets in the Node runtime. A GPU server has its vendor's driver
// registered under an icd.d folder and the Vulkan loader finds it by itself; a machine without
// one (this project's CI) can borrow Chromium's SwiftShader, the same software adapter the
// browser tests use. A driver chosen through VK_ICD_FILENAMES is always kept.
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** Debian's Chromium ships SwiftShader as a Vulkan driver, and the Vulkan loader beside it. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Where the Vulkan loader looks for installed drivers (besides $XDG_DATA_DIRS). */
const ICD_DIRS = ['/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/usr/share/vulkan/icd.d'];

/** The installed Vulkan drivers' manifests (`dirs`: where to look). */
export function systemDrivers(env = process.env, dirs = ICD_DIRS) {
  const xdg = (env.XDG_DATA_DIRS ?? '').split(delimiter).filter(Boolean);
  const found = [];
  for (const dir of [...dirs, ...xdg.map((d) => join(d, 'vulkan', 'icd.d'))]) {
    try {
      for (const f of readdirSync(dir)) if (f.endsWith('.json')) found.push(join(dir, f));
    } catch {
      // no such folder
    }
  }
  return found;
}

/**
 * The environment for the engine process and a line saying which driver it gets: the one
 * VK_ICD_FILENAMES (or VK_DRIVER_FILES) names, else the system's, else SwiftShader when
 * Chromium's is there. A driver beside its own Vulkan loader (Chromium's) gets that folder
 * on LD_LIBRARY_PATH, read only when a process starts: hence a process of its own.
 */
export function vulkanEnv(
  env = process.env,
  { drivers = systemDrivers(env), exists = existsSync } = {},
) {
  const chosen = env.VK_ICD_FILENAMES ?? env.VK_DRIVER_FILES;
  const out = { ...env };
  let note;
  if (chosen) note = `the Vulkan driver VK_ICD_FILENAMES names (${chosen})`;
  else if (drivers.length > 0) note = `the system's Vulkan drivers (${drivers.join(', ')})`;
  else if (exists(SWIFTSHADER_ICD)) {
    out.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    note = `SwiftShader from Chromium (${SWIFTSHADER_ICD}; no system Vulkan driver is installed)`;
  } else
    return { env: out, note: 'no Vulkan driver found (none installed, VK_ICD_FILENAMES unset)' };
  const icd = out.VK_ICD_FILENAMES ?? out.VK_DRIVER_FILES;
  const lib = icd ? dirname(icd.split(delimiter)[0]) : null;
  if (lib && exists(join(lib, 'libvulkan.so.1'))) {
    const path = (env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean);
    if (!path.includes(lib)) out.LD_LIBRARY_PATH = [...path, lib].join(delimiter);
  }
  return { env: out, note };
}
