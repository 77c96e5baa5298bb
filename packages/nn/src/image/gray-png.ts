import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * An 8-bit grayscale PNG of `gray` (row-major, values in [0, 1], clamped; NaN is black), written directly: one
 * filter byte 0 and the row's bytes per scanline, deflated by zlib. The general encoder (pngjs) widens every pixel
 * to RGBA and tries five filters per row, several times slower on the large pictures drawn here.
 * The caller has checked width and height (encodePng's rules).
 */
export function encodeGrayPng(width: number, height: number, gray: Float64Array | Float32Array): Buffer {
  const stride = width + 1;
  const raw = Buffer.alloc(stride * height);
  for (let r = 0; r < height; r++) {
    const row = r * width;
    const out = r * stride + 1; // raw[r * stride] = 0: filter type None
    for (let c = 0; c < width; c++) {
      const v = gray[row + c];
      raw[out + c] = v >= 1 ? 255 : v >= 0 ? Math.round(v * 255) : 0;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: grayscale
  // compression, filter and interlace methods: 0
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
