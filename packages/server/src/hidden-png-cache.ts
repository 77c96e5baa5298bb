/** One drawn hidden.png: the PNG and how many of the hidden units it shows. */
export interface HiddenPicture {
  png: Buffer;
  /** Hidden units of the model. */
  units: number;
  /** Units drawn (the first `drawn`); fewer than `units` when all would not fit the picture's pixel budget. */
  drawn: number;
}

/**
 * hidden.png pictures keyed by the model they are drawn from (its etag, registry.ts's modelEtag: θ, layers and input
 * shape among the rest), so a model swapped back in, or uploaded under a second name, is not drawn again. At most `capacity` pictures are kept; the
 * least recently used goes first.
 */
export class HiddenPngCache {
  private readonly pictures = new Map<string, HiddenPicture>();

  constructor(readonly capacity = 16) {}

  get(key: string): HiddenPicture | undefined {
    const picture = this.pictures.get(key);
    if (picture) this.set(key, picture);
    return picture;
  }

  /** Stores the picture as the most recently used (the Map's last entry); the least recently used is the first. */
  set(key: string, picture: HiddenPicture): void {
    this.pictures.delete(key);
    this.pictures.set(key, picture);
    if (this.pictures.size > this.capacity) this.pictures.delete(this.pictures.keys().next().value as string);
  }
}
