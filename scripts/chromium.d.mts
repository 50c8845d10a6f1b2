export declare const CHROMIUM_PATH: string;
export declare const BASE_ARGS: string[];
export declare const WEBGPU_ARGS: string[];
