export declare const SWIFTSHADER_ICD: string;
export declare function systemDrivers(env?: NodeJS.ProcessEnv, dirs?: string[]): string[];
/** The engine process's environment and which Vulkan driver it gets, in words. */
export declare function vulkanEnv(
  env?: NodeJS.ProcessEnv,
  options?: { drivers?: string[]; exists?: (path: string) => boolean },
): { env: NodeJS.ProcessEnv; note: string };
