export declare function appStamp(root: string): {
  version: string;
  commit: string;
  dirty: boolean | null;
};
