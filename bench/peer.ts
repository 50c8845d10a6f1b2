export interface PeerResult {
  version: string;
}
export async function tfjsBench(
  shape: { batch: number; inF: number; outF: number },
  log: (s: string) => void,
): Promise<PeerResult | null> {
  void shape;
  log('peer: not yet');
  return null;
}
